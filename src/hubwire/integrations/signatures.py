"""Webhook signature styles shared by providers (providers.md §9). Each function computes what
the provider sends; comparing is `signatures_equal`, constant-time, so a verifier never compares
a signature with `==`."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit, urlunsplit

# Twilio sends a JSON body's SHA-256 in the URL's query instead of signing the body (providers.md §6.2).
TWILIO_BODY_HASH_PARAMETER = "bodySHA256"


def hmac_hex(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def hmac_base64(key: str, message: bytes, digest=hashlib.sha256) -> str:
    return base64.b64encode(hmac.new(key.encode(), message, digest).digest()).decode()


def signatures_equal(expected: str, given: str | None) -> bool:
    """Constant-time comparison; a missing signature never matches."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


# --- Intuit (QuickBooks Online) ----------------------------------------------------------------

def intuit_signature(verifier_token: str, body: bytes) -> str:
    """`intuit-signature`: base64 HMAC-SHA256 of the raw body, keyed with the webhook verifier
    token, no timestamp (providers.md §2.6, the same for the CloudEvents array)."""
    return hmac_base64(verifier_token, body)


# --- Twilio ------------------------------------------------------------------------------------

def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """`X-Twilio-Signature`: base64 HMAC-SHA1 of the full URL followed by every form parameter's
    name and value, sorted by name and then value (providers.md §6.2). Twilio's validator signs
    a repeated identical pair once, so it is counted once here too."""
    signed = url + "".join(name + value for name, value in sorted(set(params)))
    return hmac_base64(auth_token, signed.encode(), hashlib.sha1)


def twilio_request_valid(auth_token: str, url: str, params: Iterable[tuple[str, str]], body: bytes,
                         signature: str | None) -> bool:
    """Whether Twilio signed this request. Twilio signs the URL sometimes with and sometimes without
    its port, so both are tried, as Twilio's own RequestValidator does. A JSON body is not signed:
    its SHA-256 travels in the URL's `bodySHA256` query parameter, which the signature covers."""
    params = list(params)
    query = parse_qs(urlsplit(url).query)
    if TWILIO_BODY_HASH_PARAMETER in query:
        if not signatures_equal(hashlib.sha256(body).hexdigest(), query[TWILIO_BODY_HASH_PARAMETER][0]):
            return False
        params = []
    return any(signatures_equal(twilio_signature(auth_token, candidate, params), signature)
               for candidate in _with_and_without_port(url))


def _with_and_without_port(url: str) -> tuple[str, str]:
    """The URL without any port, and with its port (the scheme's default when it names none)."""
    parts = urlsplit(url)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host = hostport if parts.port is None else hostport.rsplit(":", 1)[0]
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    prefix = userinfo + "@" if userinfo else ""
    return (urlunsplit(parts._replace(netloc=prefix + host)),
            urlunsplit(parts._replace(netloc=f"{prefix}{host}:{port}" if port else prefix + host)))
