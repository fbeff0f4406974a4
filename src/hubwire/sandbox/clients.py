"""The apps registered with every sandbox provider.

By convention, client id `sandbox-<name>` with client secret `sandbox-<name>-secret` is a registered
app called "hubwire" (its webhook secret will be `sandbox-<name>-webhook-secret`). hubwire's provider
settings default to exactly these when HUBWIRE_SANDBOX is on, so `make run` connects with no setup."""

import re

from django.conf import settings

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
