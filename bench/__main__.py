"""hubwire benchmarks (`make bench`). Each prints its figure beside its peer as a ratio; none of
them is a test, and no test asserts a time.

`python -m bench` runs them all but `scale`; `python -m bench webhooks` (or http_overhead, portal,
quickbooks, calendar, sms, workspace, scale) runs one. `scale` (every page and route with a year of
data, issue 22) is left out of the default list: loading its large size takes minutes.

http_overhead: provider calls through hubwire's outbound module (rate-limit bucket, retry policy,
scrubbed log line per call) against raw httpx, same local receiver, same keep-alive connection.
"""

import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
# The module may cost at most this fraction of raw httpx's throughput on a do-nothing receiver.
CEILING = 0.75


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        # One write for status, headers and body: split writes meet delayed ACKs and measure TCP, not us.
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")

    def log_message(self, *args):
        pass


def rate(client, url: str) -> float:
    for _ in range(50):  # warm the connection
        client.get(url)
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.get(url)
    return REQUESTS / (time.perf_counter() - started)


def http_overhead() -> None:
    import logging

    import httpx

    from hubwire.integrations.http import provider_client
    from hubwire.integrations.registry import PROVIDERS, RateLimit

    logging.getLogger("hubwire.http").setLevel(logging.WARNING)  # as in production at LOG_LEVEL=WARNING
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/v2/users/me"

    provider = type("Bench", (type(PROVIDERS["zoom"]),), {"rate_limit": RateLimit(1e9, 10**9, "bench")})()
    with httpx.Client() as raw:
        raw_rate = rate(raw, url)
    with provider_client(provider, account="bench") as ours:
        our_rate = rate(ours, url)
    server.shutdown()
    ratio = our_rate / raw_rate
    verdict = "ok" if ratio >= CEILING else "SLOWER THAN CEILING"
    print(f"http_overhead: hubwire {our_rate:,.0f} req/s vs raw httpx {raw_rate:,.0f} req/s "
          f"-> ratio {ratio:.2f} (ceiling {CEILING:.2f}) {verdict}")


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubwire.settings")
    os.environ.setdefault("HUBWIRE_VAR_DIR", tempfile.mkdtemp(prefix="hubwire-bench-"))
    import django

    django.setup()
    from bench import calendar, portal, quickbooks, scale, sms, webhooks, workspace

    chosen = sys.argv[1:] or ["http_overhead", "portal", "webhooks", "quickbooks", "calendar", "sms", "workspace"]
    for name in chosen:
        {"http_overhead": http_overhead, "portal": portal.run, "webhooks": webhooks.run,
         "quickbooks": quickbooks.run, "calendar": calendar.run,
         "sms": sms.run, "workspace": workspace.run, "scale": scale.run}[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
