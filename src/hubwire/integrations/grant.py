"""The OAuth 2.0 grant a connection holds: the Authlib client that speaks to a provider's token
endpoint (exchange, refresh, revoke) and the copying of a token answer onto the connection.

It sits below both the authorization flow (oauth.py) and refreshing (tokens.py), which each need
it, so that neither has to import the other."""

from __future__ import annotations

import warnings
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hubwire.integrations.http import provider_client
from hubwire.integrations.models import Connection

import authlib.deprecate  # noqa: F401  (installs Authlib's "always warn" filter before ours below)
from authlib.common.errors import AuthlibBaseError  # noqa: F401  (re-exported: what the token calls raise)

with warnings.catch_warnings():
    # Authlib 1.9 would rather speak httpx2; hubwire's one HTTP stack is httpx (architecture.md).
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client


def redirect_uri(provider) -> str:
    return settings.HUBWIRE_BASE_URL + reverse("integrations:callback", args=[provider.key])


def oauth_client(provider, connection: Connection | None = None, mode: str | None = None) -> OAuth2Client:
    mode = mode if mode is not None else (connection.mode if connection else "")
    client_id, client_secret = provider.client_credentials(connection, mode)
    account = connection.external_account_id if connection else ""
    return provider_client(
        provider, account=account, client_class=OAuth2Client,
        client_id=client_id, client_secret=client_secret, token_endpoint_auth_method=provider.token_auth_method,
        scope=" ".join(provider.scopes) or None, redirect_uri=redirect_uri(provider),
        code_challenge_method="S256" if provider.pkce else None,
    )


def store_token(provider, connection: Connection, token: dict) -> None:
    """Copy a token endpoint answer onto the connection (not saved). A provider that does not send
    a new refresh token on refresh (Google) keeps the one we have."""
    now = timezone.now()
    connection.access_token = token["access_token"]
    expires_in = token.get("expires_in")
    connection.access_token_expires_at = now + timedelta(seconds=int(expires_in)) if expires_in else None
    if token.get("refresh_token"):
        connection.refresh_token = token["refresh_token"]
        lifetime = token.get("x_refresh_token_expires_in") or token.get("refresh_token_expires_in")
        if lifetime:
            connection.refresh_token_expires_at = now + timedelta(seconds=int(lifetime))
        elif provider.refresh_token_lifetime:
            connection.refresh_token_expires_at = now + provider.refresh_token_lifetime
    if token.get("scope"):
        connection.scopes = token["scope"] if isinstance(token["scope"], str) else " ".join(token["scope"])
