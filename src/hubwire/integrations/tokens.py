"""Access tokens for provider calls: refreshed before expiry, and on a 401, under a row lock so
that concurrent refreshers make exactly one token call and a rotated refresh token is stored in
the same transaction that used it (architecture principle 7).

On SQLite the lock is the database's write lock (IMMEDIATE transactions); on PostgreSQL it is
SELECT … FOR UPDATE on the connection's row, so other connections refresh in parallel."""

from __future__ import annotations

import httpx
from django.db import transaction

from hubwire.core.audit import audit_record
from hubwire.integrations.health import mark_needs_attention
from hubwire.integrations.http import ProviderError, provider_client
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.oauth import AuthlibBaseError, oauth_client, store_token


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


def authorized_client(provider, connection: Connection) -> httpx.Client:
    return provider_client(provider, account=connection.external_account_id,
                           auth=ConnectionAuth(provider, connection))

