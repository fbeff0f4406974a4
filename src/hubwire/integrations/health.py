"""A connection's health: successes and failures of calls made with it, and warnings ahead of
token expiry (QuickBooks refresh tokens ≈100 days idle, Google "Testing" apps 7 days)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.timesince import timeuntil

from hubwire.core.audit import audit_record
from hubwire.core.redaction import scrub
from hubwire.integrations.models import Connection, ConnectionStatus


def expiry_warning(provider, connection: Connection) -> str:
    """Plain words when the connection's authorization will lapse soon, else ''."""
    expires = connection.refresh_token_expires_at
    if connection.status != ConnectionStatus.ACTIVE or expires is None:
        return ""
    now = timezone.now()
    if expires - provider.expiry_warning > now:
        return ""
    if expires <= now:
        return f"{provider.name}'s authorization has expired. Reconnect to keep it working."
    return (f"{provider.name}'s authorization expires in {timeuntil(expires, now)} "
            f"({expires:%Y-%m-%d %H:%M} UTC). Reconnect before then to keep it working.")


def record_success(connection: Connection) -> None:
    now = timezone.now()
    Connection.objects.filter(pk=connection.pk).update(last_success_at=now, consecutive_failures=0)
    connection.last_success_at, connection.consecutive_failures = now, 0


def record_failure(provider, connection: Connection, error: str) -> None:
    """Note a failed call; after `failures_before_attention` in a row the card turns red."""
    error = scrub(error)[:1000]
    now = timezone.now()
    Connection.objects.filter(pk=connection.pk).update(
        last_error=error, last_error_at=now, consecutive_failures=F("consecutive_failures") + 1)
    connection.refresh_from_db(fields=["consecutive_failures", "status"])
    connection.last_error, connection.last_error_at = error, now
    if (connection.status == ConnectionStatus.ACTIVE
            and connection.consecutive_failures >= provider.failures_before_attention):
        mark_needs_attention(connection, f"{connection.consecutive_failures} calls to {provider.name} failed in a row. "
                                         f"Last error: {error}")


def mark_needs_attention(connection: Connection, reason: str, *, actor=None) -> None:
    reason = scrub(reason)[:1000]
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.NEEDS_ATTENTION, status_reason=reason)
    connection.status, connection.status_reason = ConnectionStatus.NEEDS_ATTENTION, reason
    audit_record(workspace=connection.workspace, actor=actor, action="needs_attention",
                 subject=connection.subject, detail=reason)
