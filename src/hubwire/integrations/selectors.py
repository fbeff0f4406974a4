"""Reads for the Integrations page, all scoped to one workspace."""

from collections import defaultdict

from hubwire.core.models import AuditEntry
from hubwire.crm.models import MeetingLink, MeetingLinkStatus
from hubwire.integrations.health import expiry_warning
from hubwire.integrations.models import STATUS_COLOUR, Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS


def connection_of(workspace, provider, mode: str) -> Connection | None:
    """The workspace's connection to `provider` in `mode`, or None when it never connected."""
    return Connection.objects.filter(workspace=workspace, provider=provider.key, mode=mode).first()


def connections_by_provider(workspace) -> dict[str, list[Connection]]:
    grouped = defaultdict(list)
    for connection in Connection.objects.filter(workspace=workspace).order_by("mode"):
        grouped[connection.provider].append(connection)
    return grouped


def cards(workspace) -> list[tuple]:
    """(provider, card) for every registered provider, in tab order."""
    grouped = connections_by_provider(workspace)
    return [(provider, provider.card(workspace, grouped.get(key, []))) for key, provider in PROVIDERS.items()]


def mode_panels(workspace, provider) -> list[dict]:
    """One panel per mode: the connection (or None) and its health."""
    existing = {c.mode: c for c in Connection.objects.filter(workspace=workspace, provider=provider.key)}
    panels = []
    for mode in provider.modes:
        connection = existing.get(mode)
        panels.append({
            "mode": mode,
            "connection": connection,
            "status": ConnectionStatus(connection.status if connection else ConnectionStatus.NOT_CONNECTED),
            "colour": STATUS_COLOUR[connection.status if connection else ConnectionStatus.NOT_CONNECTED],
            "warning": expiry_warning(provider, connection) if connection else "",
            "facts": provider.facts(connection) if connection and connection.status != ConnectionStatus.NOT_CONNECTED
            else [],
            "extra": provider.panel_context(mode, connection),
        })
    return panels


def audit_entries(workspace, provider_key: str | None = None, limit: int = 10):
    entries = AuditEntry.objects.filter(workspace=workspace).select_related("actor")
    if provider_key:
        entries = entries.filter(PROVIDERS[provider_key].audit_filter())
    return entries[:limit]


def alerts(workspace) -> list[tuple[str, str]]:
    """(provider key, message) for connections that need the user: red ones and ones about to lapse."""
    found = []
    for connection in Connection.objects.filter(workspace=workspace).exclude(status=ConnectionStatus.NOT_CONNECTED):
        provider = PROVIDERS.get(connection.provider)
        if provider is None:
            continue
        if connection.status == ConnectionStatus.NEEDS_ATTENTION:
            found.append((provider.key, f"{provider.name} needs attention: {connection.status_reason}"))
        elif warning := expiry_warning(provider, connection):
            found.append((provider.key, warning))
    return found


def meeting_summary(workspace, provider) -> dict | None:
    """For a meeting-hosting provider's tab: how many links are ready or pending (the ones that need
    someone, failed or deleted at the provider, are on the shared sync panel with a Retry each)."""
    if not provider.meeting_location:
        return None
    links = MeetingLink.objects.filter(workspace=workspace, provider=provider.key)
    return {
        "ready": links.filter(status=MeetingLinkStatus.READY).count(),
        "pending": links.filter(status=MeetingLinkStatus.PENDING).count(),
    }
