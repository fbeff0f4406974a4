"""A local HTTP receiver for webhook tests: records every request and answers from a script."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    at: float


@dataclass
class Answer:
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # not 5: a batch connects all at once, and a dropped SYN waits a second to retry


class Receiver:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.requests: list[Received] = []
        self.script: dict[str, list[Answer]] = {}  # path -> answers to give, in order; then `default`
        self.default = Answer()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                                                  time.monotonic()))
                queue = receiver.script.get(self.path) or []
                answer = queue.pop(0) if queue else receiver.default
                time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = Server((host, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.host}:{self.server.server_port}{path}"

    def answer(self, path: str, *answers: Answer) -> None:
        self.script.setdefault(path, []).extend(answers)

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
