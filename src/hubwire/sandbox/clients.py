"""The apps registered with every sandbox provider.

By convention, client id `sandbox-<name>` with client secret `sandbox-<name>-secret` is a registered
app called "hubwire" (its webhook secret will be `sandbox-<name>-webhook-secret`). hubwire's provider
settings default to exactly these when HUBWIRE_SANDBOX is on, so `make run` connects with no setup."""

import re

_CLIENT = re.compile(r"sandbox-([a-z0-9_]+)")


def client_is_registered(client_id: str) -> bool:
    return bool(_CLIENT.fullmatch(client_id or ""))


def client_secret_for(client_id: str) -> str:
    return f"{client_id}-secret"


def app_name(client_id: str) -> str:
    return "hubwire"
