"""One TLS context per process for every outgoing HTTPS client (providers, webhook deliveries, the
sandbox's pushes): building one loads the CA bundle, about 20 ms of CPU, which a client made per
call would pay every time. An SSLContext is safe to share between threads."""

from functools import cache
import ssl

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
