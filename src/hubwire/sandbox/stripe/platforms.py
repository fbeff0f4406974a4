"""The platforms (Connect applications) registered with the sandbox Stripe.

A platform named N has, per mode (test | live), the secret key `sk_<mode>_sandbox_N`, the
publishable key `pk_<mode>_sandbox_N`, the Connect client id `ca_sandbox_<mode>_N` and the webhook
signing secret `whsec_sandbox_<mode>_N`. hubwire's Stripe settings default to N = "hubwire" when
the sandbox is on, so `make run` needs no keys. Its Connect webhook endpoint is hubwire's receiver."""

import base64
import re
from dataclasses import dataclass

from hubwire.sandbox.clients import webhook_url_for

_SECRET_KEY = re.compile(r"sk_(test|live)_sandbox_(\w+)")
_CLIENT_ID = re.compile(r"ca_sandbox_(test|live)_(\w+)")


@dataclass(frozen=True)
class Platform:
    name: str
    livemode: bool

    @property
    def mode(self) -> str:
        return "live" if self.livemode else "test"

    @property
    def secret_key(self) -> str:
        return f"sk_{self.mode}_sandbox_{self.name}"

    @property
    def publishable_key(self) -> str:
        return f"pk_{self.mode}_sandbox_{self.name}"

    @property
    def client_id(self) -> str:
        return f"ca_sandbox_{self.mode}_{self.name}"

    @property
    def webhook_secret(self) -> str:
        return f"whsec_sandbox_{self.mode}_{self.name}"

    @property
    def webhook_url(self) -> str:
        return webhook_url_for("stripe")


def by_secret_key(key: str) -> Platform | None:
    match = _SECRET_KEY.fullmatch(key or "")
    return Platform(match.group(2), match.group(1) == "live") if match else None


def by_client_id(client_id: str) -> Platform | None:
    match = _CLIENT_ID.fullmatch(client_id or "")
    return Platform(match.group(2), match.group(1) == "live") if match else None


def secret_key_of(request) -> str:
    """The secret key a request to the API or to connect.stripe.com carries: Bearer, or Basic with the
    key as the user name (both as Stripe takes them)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    if header.startswith("Basic "):
        try:
            return base64.b64decode(header[6:]).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return ""
    return ""
