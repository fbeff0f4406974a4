"""The SSRF guard: outbound webhooks go only to public addresses over http(s).

Three checks, each where it can see what it judges:
- when an endpoint is saved, `url_problem` refuses a URL no client could send (spaces, backslashes,
  user@host, a bad port or host name, an IPv4 address in an unusual form) and a host that is a
  literal internal address, reading the host as aiohttp will (`yarl`: fullwidth digits are digits);
- at delivery, `GuardedResolver` hands the connector only allowed addresses of a host name, so a name
  that resolved to a public address at save time and to 127.0.0.1 later (DNS rebinding) still fails,
  with the name in the message;
- `guarded_socket` judges the very address each connection is made to. aiohttp never asks the
  resolver about a literal IP host, so this is what stops those.
HUBWIRE_WEBHOOKS_ALLOW_PRIVATE turns the address checks off for local receivers (on with the
sandbox, off in production); a URL that cannot be sent is refused either way."""

import ipaddress
import re
import socket
import unicodedata
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver
from aiohttp.resolver import ThreadedResolver
from django.conf import settings
from yarl import URL

SCHEMES = ("http", "https")
INTERNAL = "hubwire does not send webhooks to internal addresses"
BAD_HOST = "The URL's host is not a valid host name or address (an IPv6 address goes in [brackets])."


def _table(*rows: tuple[str, str]) -> tuple:
    return tuple((ipaddress.ip_network(network), words) for network, words in rows)


# The IANA IPv4 and IPv6 Special-Purpose Address Registries (iana.org/assignments/iana-ipv4-special-registry,
# …/iana-ipv6-special-registry) and multicast, most specific first so the words name the closest block.
# The few anycast blocks inside 192.0.0.0/24 and 2001::/23 that the registries mark reachable are
# refused with their block: no webhook receiver lives there.
IPV4_SPECIAL = _table(
    ("0.0.0.0/32", "an unspecified address"), ("0.0.0.0/8", "a “this network” address"),
    ("10.0.0.0/8", "a private address"), ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"), ("169.254.0.0/16", "a link-local address (cloud metadata lives there)"),
    ("172.16.0.0/12", "a private address"), ("192.0.0.0/24", "an IETF protocol assignment (192.0.0.0/24)"),
    ("192.0.2.0/24", "a documentation address"), ("192.88.99.0/24", "a deprecated 6to4 relay address"),
    ("192.168.0.0/16", "a private address"), ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"), ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"), ("255.255.255.255/32", "the broadcast address"),
    ("240.0.0.0/4", "a reserved address"),
)
IPV6_SPECIAL = _table(
    ("::/128", "an unspecified address"), ("::1/128", "a loopback address"),
    ("::/96", "an IPv4-compatible address (deprecated)"), ("::ffff:0:0:0/96", "an IPv4-translated address"),
    ("64:ff9b:1::/48", "a local-use NAT64 address"), ("100::/64", "a discard-only address"),
    ("100:0:0:1::/64", "a dummy address"), ("2001::/32", "a Teredo address"),
    ("2001:2::/48", "a benchmarking address"), ("2001::/23", "an IETF protocol assignment (2001::/23)"),
    ("2001:db8::/32", "a documentation address"), ("3fff::/20", "a documentation address"),
    ("5f00::/16", "a segment routing (SRv6) address"), ("fc00::/7", "a unique-local (private) address"),
    ("fe80::/10", "a link-local address"), ("fec0::/10", "a site-local address (deprecated)"),
    ("ff00::/8", "a multicast address"),
)
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
NAT64 = ipaddress.ip_network("64:ff9b::/96")

# WHATWG URL: a host whose last label is a number is an IPv4 address, in whatever form.
ENDS_IN_NUMBER = re.compile(r"(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)\.?$")
LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class Refused(OSError):
    """A target the guard does not allow; the message says why, in words. An OSError, so aiohttp
    hands it back wrapped in a ClientConnectorError (its os_error) wherever it is raised."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address a packet to this IPv6 address reaches in the end, and the form's name."""
    if ip.ipv4_mapped is not None:
        return "an IPv4-mapped form", ip.ipv4_mapped
    if ip in NAT64:
        return "the NAT64 form", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return "the 6to4 form", ip.sixtofour
    return None


def address_problem(address: str) -> str:
    """Why this address may not be a webhook target, or '' when it may."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and (embedded := _embedded_ipv4(ip)):
        form, inner = embedded
        problem = address_problem(str(inner))
        return f"{form} of {problem}" if problem else ""
    special = IPV4_SPECIAL if ip.version == 4 else IPV6_SPECIAL
    words = next((words for network, words in special if ip in network), "")
    if not words and ip.version == 6 and ip not in GLOBAL_UNICAST:
        words = "not a public address (those are in 2000::/3)"
    return f"{address} is {words}" if words else ""


def allow_private() -> bool:
    return settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE


def _literal_problem(host: str) -> str:
    if ":" in host and "%" in host:
        return "An IPv6 zone (the %… part) names a network card of the sender: leave it out."
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if ":" in host:
            return BAD_HOST
        return (f"“{host}” is not an IPv4 address in the usual form: write it as four numbers from 0 to 255 "
                "separated by dots (decimal, octal, hex and shortened forms are not sent).")
    problem = "" if allow_private() else address_problem(host)
    return f"{INTERNAL}: {problem}." if problem else ""


def _host_problem(host: str) -> str:
    """What is wrong with a host as aiohttp reads it (lower case, IDNA-encoded), or ''."""
    if ":" in host or ENDS_IN_NUMBER.search(host):  # an address (an IPv6 one has lost its brackets)
        return _literal_problem(host)
    name = host.removesuffix(".")
    if len(name) > 253 or not all(LABEL.fullmatch(label) for label in name.split(".")):
        return f"“{host}” is not a valid host name (letters, digits and hyphens, in parts separated by dots)."
    return ""


def url_problem(url: str) -> str:
    """What the save-time check finds wrong with a target URL, or ''."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed [ in the host
        return BAD_HOST
    if parts.scheme not in SCHEMES:
        return f"Only http and https URLs can receive webhooks, not “{parts.scheme or 'no scheme'}”."
    if any(c.isspace() or c == "\\" or unicodedata.category(c) in ("Cc", "Cf") for c in url):
        return ("The URL contains a space, a backslash or an invisible character, which no HTTP client sends "
                "as typed (a space in the path is written %20).")
    if "@" in parts.netloc:
        return ("A user name or password in the URL (user@host) is not accepted: send credentials in a custom "
                "header such as Authorization, which is kept encrypted.")
    try:
        port_ok = parts.port != 0
    except ValueError:
        port_ok = False
    if not port_ok:
        return "The port must be a number from 1 to 65535."
    try:
        host = URL(url).raw_host or ""
    except ValueError:  # UnicodeError included: a name IDNA cannot encode
        return BAD_HOST
    return _host_problem(host) if host else "The URL has no host."


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
            raise Refused(f"{host} resolves to internal addresses only ({address_problem(answers[0]['host'])}); "
                          f"{INTERNAL}.")
        return allowed

    async def close(self) -> None:
        await self.inner.close()


def guarded_socket(addr_info) -> socket.socket:
    """aiohttp's socket factory: the socket for one connection, after judging the address it is for."""
    family, type_, proto, _, address = addr_info
    if not allow_private() and (problem := address_problem(address[0])):
        raise Refused(f"{INTERNAL}: {problem}")
    return socket.socket(family=family, type=type_, proto=proto)
