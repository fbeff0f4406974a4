"""How calls made for a connection authenticate, whatever the provider's kind of auth:
`connection_client()` is the one way to get an httpx client for a connection.

OAuth 2.0 connections send a Bearer access token, refreshed before expiry and on a 401 under a row
lock, so that concurrent refreshers make exactly one token call and a rotated refresh token is
stored in the same transaction that used it (architecture principle 7). On SQLite the lock is the
database's write lock (IMMEDIATE transactions); on PostgreSQL it is SELECT … FOR UPDATE on the
connection's row, so other connections refresh in parallel.

Connections with pasted credentials (Twilio's Account SID and Auth Token) send them as HTTP Basic;
there is nothing to refresh, so a 401 means the business changed them at the provider: the
connection needs attention and the user is asked to paste the new ones."""

from __future__ import annotations

import base64

import httpx
from django.db import transaction

from hubwire.core.audit import audit_record
from hubwire.integrations.grant import AuthlibBaseError, oauth_client, store_token
from hubwire.integrations.health import mark_needs_attention
from hubwire.integrations.http import ProviderError, provider_client
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import AuthKind


class NeedsReconnect(Exception):
    """The connection cannot make calls until the user reconnects; the message says why."""


def access_token(provider, connection: Connection) -> str:
    connection.refresh_from_db(fields=["access_token", "access_token_expires_at", "status"])
    if connection.status != ConnectionStatus.ACTIVE:
        raise NeedsReconnect(connection.status_reason or f"{provider.name} is not connected.")
    if connection.access_token_fresh():
        return connection.access_token
    return refresh(provider, connection, stale=connection.access_token)


def refresh(provider, connection: Connection, *, stale: str) -> str:
    """A new access token, unless another caller already replaced `stale` while we waited."""
    failure = None
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if locked.status != ConnectionStatus.ACTIVE:
            raise NeedsReconnect(locked.status_reason or f"{provider.name} is not connected.")
        if locked.access_token != stale and locked.access_token_fresh():
            return locked.access_token
        if not locked.refresh_token:
            failure = f"{provider.name}'s access has expired and it gave no way to renew it. Reconnect to continue."
        else:
            try:
                with oauth_client(provider, locked) as client:
                    token = client.refresh_token(provider.endpoint(provider.token_endpoint),
                                                 refresh_token=locked.refresh_token)
            except AuthlibBaseError as exc:
                if not provider.is_invalid_grant(exc.error or "", exc.description or ""):
                    raise ProviderError(f"{provider.name} refused to renew access: {exc.description or exc.error}")
                failure = (f"{provider.name} no longer accepts hubwire's authorization (it was revoked or "
                           f"expired). Reconnect {provider.name} to continue.")
            else:
                store_token(provider, locked, token)
                locked.save()
                audit_record(workspace=locked.workspace, action="refreshed", subject=locked.subject)
                return locked.access_token
    mark_needs_attention(connection, failure)
    raise NeedsReconnect(failure)


class ConnectionAuth(httpx.Auth):
    """Bearer auth from the connection; on a 401, one refresh and one retry."""

    def __init__(self, provider, connection: Connection):
        self.provider, self.connection = provider, connection

    def auth_flow(self, request):
        token = access_token(self.provider, self.connection)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = refresh(self.provider, self.connection, stale=token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request


class PastedCredentialsAuth(httpx.Auth):
    """HTTP Basic from the credentials the business pasted (the provider's `basic_auth_fields`);
    a 401 marks the connection needs-attention, since there is no token to refresh."""

    def __init__(self, provider, connection: Connection):
        self.provider, self.connection = provider, connection

    def auth_flow(self, request):
        login = pasted_login(self.provider, self.connection)
        for _ in range(2):
            request.headers["Authorization"] = "Basic " + base64.b64encode(":".join(login).encode()).decode()
            response = yield request
            if response.status_code != 401:
                return
            # New credentials pasted while this call was out are tried once; the refused ones never again.
            refused, login = login, pasted_login(self.provider, self.connection)
            if login == refused:
                break
        password_field = self.provider.basic_auth_fields[1]
        label = next((f.label for f in self.provider.credential_fields if f.name == password_field), "password")
        reason = (f"{self.provider.name} no longer accepts the {label} hubwire holds (it was changed or revoked "
                  f"in your {self.provider.name} account). Paste the new one to continue.")
        mark_needs_attention(self.connection, reason)
        raise NeedsReconnect(reason)


def pasted_login(provider, connection: Connection) -> tuple[str, str]:
    """(user name, password) from the connection's pasted credentials, read fresh from the database."""
    if not provider.basic_auth_fields:
        raise TypeError(f"{type(provider).__name__} has pasted credentials but declares no basic_auth_fields "
                        "(nor its own client_auth).")
    connection.refresh_from_db(fields=["credentials", "status", "status_reason"])
    if connection.status != ConnectionStatus.ACTIVE:
        raise NeedsReconnect(connection.status_reason or f"{provider.name} is not connected.")
    user_field, password_field = provider.basic_auth_fields
    user, password = connection.credentials.get(user_field), connection.credentials.get(password_field)
    if not (user and password):
        raise NeedsReconnect(f"{provider.name}'s credentials are missing. Paste them again to continue.")
    return user, password


def connection_auth(provider, connection: Connection) -> httpx.Auth | None:
    """The provider's own auth when it declares one (Provider.client_auth), else the way of its kind."""
    custom = provider.client_auth(connection)
    if custom is not None:
        return custom
    if provider.auth_kind is AuthKind.OAUTH2:
        return ConnectionAuth(provider, connection)
    if provider.auth_kind is AuthKind.CREDENTIALS:
        return PastedCredentialsAuth(provider, connection)
    return None


def connection_client(provider, connection: Connection) -> httpx.Client:
    """An httpx client (integrations/http.py: timeouts, retries, rate limit, redaction) whose calls
    authenticate as `connection`. Raises NeedsReconnect (at the call) when they cannot."""
    # The rate-limit bucket is the provider account; a connection that has not learnt its
    # account id (pasted credentials) gets one of its own.
    account = connection.external_account_id or f"connection-{connection.pk}"
    return provider_client(provider, account=account, auth=connection_auth(provider, connection))

