"""The SSRF guard: outbound webhooks go only to public addresses over http(s).

A URL whose host is a literal address is checked when the endpoint is saved. A host name is
checked at delivery, on the very addresses the connection will use (the resolver below hands the
connector only checked addresses), so a name that resolves to a public address at save time and to
127.0.0.1 later (DNS rebinding) still fails. HUBWIRE_WEBHOOKS_ALLOW_PRIVATE turns the guard off for
local receivers (on with the sandbox, off in production)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver
from aiohttp.resolver import ThreadedResolver
from django.conf import settings

SCHEMES = ("http", "https")
CARRIER_NAT = ipaddress.ip_network("100.64.0.0/10")


class Refused(Exception):
    """A target the guard does not allow; the message says why, in words."""


def address_problem(address: str) -> str:
    """Why this address may not be a webhook target, or '' when it may."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        inner = address_problem(str(ip.ipv4_mapped))
        return f"an IPv4-mapped form of {inner}" if inner else ""
    for test, words in ((ip.is_unspecified, "an unspecified address"), (ip.is_loopback, "a loopback address"),
                        (ip.is_link_local, "a link-local address (cloud metadata lives there)"),
                        (ip.is_multicast, "a multicast address"),
                        (ip.version == 4 and ip in CARRIER_NAT, "a carrier-grade NAT address"),
                        (ip.is_private, "a private address"), (ip.is_reserved, "a reserved address"),
                        (not ip.is_global, "not a public address")):
        if test:
            return f"{address} is {words}"
    return ""


def allow_private() -> bool:
    return settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE


def literal_host(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return None
    return host


def url_problem(url: str) -> str:
    """What the save-time check finds wrong with a target URL, or ''."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        return f"Only http and https URLs can receive webhooks, not “{parts.scheme or 'no scheme'}”."
    if not parts.hostname:
        return "The URL has no host."
    host = literal_host(url)
    if host and not allow_private():
        problem = address_problem(host)
        if problem:
            return f"hubwire does not send webhooks to internal addresses: {problem}."
    return ""


class GuardedResolver(AbstractResolver):
    """Resolve, then keep only addresses the guard allows; none left → Refused."""

    def __init__(self):
        self.inner = ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET):
        answers = await self.inner.resolve(host, port, family)
        if allow_private():
            return answers
        allowed = [a for a in answers if not address_problem(a["host"])]
        if not allowed:
            raise Refused(f"{host} resolves to {address_problem(answers[0]['host'])}; hubwire does not send "
                          "webhooks to internal addresses.")
        return allowed

    async def close(self) -> None:
        await self.inner.close()
