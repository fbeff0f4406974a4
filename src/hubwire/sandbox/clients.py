"""The apps registered with every sandbox provider.

By convention, client id `sandbox-<name>` with client secret `sandbox-<name>-secret` is a registered
app called "hubwire" (its webhook secret will be `sandbox-<name>-webhook-secret`). hubwire's provider
settings default to exactly these when HUBWIRE_SANDBOX is on, so `make run` connects with no setup."""

import re
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from hubwire.core.tls import tls_context

_CLIENT = re.compile(r"sandbox-([a-z0-9_]+)")


def client_is_registered(client_id: str) -> bool:
    return bool(_CLIENT.fullmatch(client_id or ""))


def client_secret_for(client_id: str) -> str:
    return f"{client_id}-secret"


def app_name(client_id: str) -> str:
    return "hubwire"


def webhook_secret_for(client_id: str) -> str:
    """The secret the sandbox signs this app's webhooks with."""
    return f"{client_id}-webhook-secret"


def webhook_url_for(provider_key: str) -> str:
    """Where the registered app receives a provider's webhooks: hubwire's receiver for it (a real
    provider keeps this in the app's settings on its developer site)."""
    return f"{settings.HUBWIRE_BASE_URL}/integrations/{provider_key}/events/"


def sandbox_url(host: str, path: str) -> str:
    """Where the sandbox serves `path` of a provider's `host` (its pages' public URLs)."""
    base = settings.HUBWIRE_SANDBOX_URL or f"{settings.HUBWIRE_BASE_URL}/sandbox"
    return f"{base.rstrip('/')}/{host}{path}"


def post_event(url: str, body: bytes, headers: dict, note: str):
    """POST one signed event to an app, as the provider does, and log it in the call log (host
    "hubwire"); the response, or None when the app could not be reached."""
    return send_event("POST", url, headers, note, body=body)


def send_event(method: str, url: str, headers: dict, note: str, *, body: bytes = b"", timeout: float = 10):
    """One request to an app (a POST with a body, or a GET with its parameters in the URL, as Twilio
    may send a webhook), logged in the call log; the response, or None when unreachable."""
    from hubwire.sandbox.models import Call

    path = urlsplit(url).path
    try:
        response = httpx.request(method, url, content=body or None, headers=headers, timeout=timeout,
                                 verify=tls_context())
    except httpx.HTTPError as exc:
        Call.objects.create(host="hubwire", method=method, path=path, status=0,
                            note=f"{note}: {type(exc).__name__}"[:100])
        return None
    Call.objects.create(host="hubwire", method=method, path=path, status=response.status_code, note=note[:100])
    return response
