"""Writes to connections that are not part of the OAuth dance: pasted credentials, disconnect,
deauthorization reported by the provider."""

from __future__ import annotations

import httpx
from django.db import transaction
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.core.errors import FieldError
from hubwire.integrations.grant import oauth_client
from hubwire.integrations.http import ProviderError, provider_client
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import AuthKind


def credentials_save(*, workspace, actor, provider, mode: str, data: dict) -> Connection:
    """Validate pasted API credentials (format, then with the provider) and store them encrypted."""
    errors, cleaned = {}, {}
    saved = Connection.objects.filter(workspace=workspace, provider=provider.key, mode=mode).first()
    for spec in provider.credential_fields:
        if not spec.required and not (data.get(spec.name) or "").strip():
            if saved is not None and saved.credentials.get(spec.name):
                cleaned[spec.name] = saved.credentials[spec.name]
            continue
        value = spec.clean(data.get(spec.name, ""))
        if value is None:
            errors[spec.name] = f"{spec.label}: {spec.hint}" if (data.get(spec.name) or "").strip() \
                else f"{spec.label} is required."
        else:
            cleaned[spec.name] = value
    if errors:
        raise FieldError(errors)
    account_name = ""
    if provider.auth_kind is AuthKind.CREDENTIALS:
        with provider_client(provider) as client:
            try:
                account_name = provider.verify_credentials(cleaned, client)
            except (ProviderError, httpx.TransportError) as exc:
                raise FieldError({provider.credential_fields[0].name: f"{provider.name} did not accept these "
                                  f"credentials: {exc}"}) from None
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(
            workspace=workspace, provider=provider.key, mode=mode)
        connection.credentials = cleaned
        if provider.auth_kind is AuthKind.CREDENTIALS:
            connection.status, connection.status_reason = ConnectionStatus.ACTIVE, ""
            connection.account_name = account_name
            connection.connected_at, connection.connected_by = timezone.now(), actor
        elif connection.status == ConnectionStatus.NOT_CONNECTED:
            connection.status = ConnectionStatus.SETUP_INCOMPLETE
            connection.status_reason = f"Credentials saved. Click Connect {provider.name} to finish."
        connection.save()
        audit_record(workspace=workspace, actor=actor, action="credentials_saved", subject=connection.subject)
    if connection.status == ConnectionStatus.ACTIVE:
        provider.connected(connection)  # as after an OAuth connect: its schedules, and whatever waited for it
    return connection


def connection_disconnect(*, connection: Connection, provider, actor) -> str:
    """Revoke at the provider where it can, then forget the tokens. Returns a note for the user
    when the provider could not be told (the tokens are deleted here regardless)."""
    note = ""
    provider.before_disconnect(connection)
    if provider.revoke_endpoint and (connection.refresh_token or connection.access_token):
        try:
            with oauth_client(provider, connection) as client:
                provider.revoke(connection, client)
        except (ProviderError, httpx.HTTPError) as exc:
            note = (f"{provider.name} could not be reached to revoke access ({exc}); hubwire deleted its tokens "
                    f"anyway. You can also remove hubwire in your {provider.name} account settings.")
    with transaction.atomic():
        # Locked, so that a provider event handled meanwhile (Stripe sends account.application.
        # deauthorized while we revoke) either finishes first or finds the connection gone.
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        connection.clear_tokens()
        provider.forget(connection)
        if provider.auth_kind is AuthKind.CREDENTIALS:
            connection.credentials = {}
        connection.status, connection.status_reason = ConnectionStatus.NOT_CONNECTED, ""
        connection.account_name, connection.consecutive_failures = "", 0
        connection.save()
        audit_record(workspace=connection.workspace, actor=actor, action="disconnected", subject=connection.subject,
                     detail=note)
    return note


def connection_deauthorized(*, connection: Connection, provider, detail: str = "") -> None:
    """The provider told us the user removed hubwire there: forget the tokens, show not connected."""
    with transaction.atomic():
        connection.clear_tokens()
        connection.status = ConnectionStatus.NOT_CONNECTED
        connection.status_reason = f"hubwire was removed from your {provider.name} account."
        connection.save()
        audit_record(workspace=connection.workspace, action="deauthorized", subject=connection.subject, detail=detail)
