"""Exit 0 when every service URL given answers on its port; else print why and exit 1."""

import socket
import sys
from urllib.parse import urlsplit

DEFAULT_PORTS = {"postgres": 5432, "postgresql": 5432, "redis": 6379, "amqp": 5672}


def unreachable(url: str) -> str | None:
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    try:
        with socket.create_connection((parts.hostname, port), timeout=2):
            return None
    except OSError as exc:
        return f"{parts.scheme} at {parts.hostname}:{port} does not answer ({exc})"


if __name__ == "__main__":
    problems = [p for p in map(unreachable, sys.argv[1:]) if p]
    if problems:
        print("; ".join(problems))
        sys.exit(1)
