"""The business's Google Calendar choices and the calendar's own state, kept with its connection
(Connection.details["google_calendar"]); read through here so every module agrees on defaults.

- `send_invitations`: whether Google emails the appointment's contact an invitation (and updates)
  when hubwire writes the event; off by default, as the issue asks (sendUpdates "all" or "none").
- `import_events`: which events made in Google become appointments: "all" (the default: the
  connected calendar is the business's work calendar, and an event added there should show up in
  hubwire, as the seed's "appointments sync both ways" says) or "contacts" (only events that invite
  one of the workspace's contacts, for a calendar that also holds personal events).
- the watch channel (id, Google's resourceId, expiry); its token, which proves a push is Google's,
  is a secret and lives in the connection's encrypted credentials (CHANNEL_TOKEN)."""

from __future__ import annotations

from dataclasses import dataclass

from hubwire.integrations.choices import choices_of, choices_save, choices_update
from hubwire.integrations.models import Connection, ConnectionStatus

KEY = "google_calendar"
CALENDAR_ID = "primary"  # appointments sync with the connected account's primary calendar (the seed)
IMPORT_CHOICES = {"all": "Every event on the calendar",
                  "contacts": "Only events that invite one of your contacts"}
CHANNEL_TOKEN = "channel_token"


@dataclass
class CalendarConfig:
    send_invitations: bool = False
    import_events: str = "all"
    calendar_email: str = ""
    calendar_time_zone: str = ""
    channel_id: str = ""
    channel_resource_id: str = ""
    channel_expires_at: str = ""  # ISO time


def config_of(connection: Connection | None) -> CalendarConfig:
    return choices_of(connection, KEY, CalendarConfig)


def config_save(connection: Connection, config: CalendarConfig) -> None:
    choices_save(connection, KEY, config)


def config_update(connection: Connection, **changes) -> CalendarConfig:
    """Change only these fields (a renewed watch channel never undoes the business's choices)."""
    return choices_update(connection, KEY, CalendarConfig, **changes)


def active_connection(workspace) -> Connection | None:
    """The workspace's active Google Calendar connection, or None: one indexed query."""
    return Connection.objects.select_related("workspace").filter(
        workspace=workspace, provider=KEY, mode="", status=ConnectionStatus.ACTIVE).first()


def connection_of(workspace) -> Connection | None:
    """The workspace's Google Calendar connection row in any state, or None."""
    return Connection.objects.select_related("workspace").filter(workspace=workspace, provider=KEY, mode="").first()
