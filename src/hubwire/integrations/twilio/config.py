"""The business's SMS choices, kept with its Twilio connection (Connection.details["twilio"]): what
sends (one of the account's numbers, or a Messaging Service), whether hubwire may set the inbound
URL on it, and quiet hours for automated messages. Read through here so every module agrees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from hubwire.integrations.choices import choices_of, choices_update
from hubwire.integrations.models import Connection, ConnectionStatus

KEY = "twilio"
DEFAULT_QUIET_START, DEFAULT_QUIET_END = time(21, 0), time(8, 0)


@dataclass
class SmsConfig:
    sender_kind: str = ""        # "number" or "service"
    sender: str = ""             # E.164 number, or MG… Messaging Service sid
    sender_label: str = ""       # as Twilio names it, for the tab
    sender_sid: str = ""         # PN… of a number (to set its SmsUrl), or the MG… sid
    sender_numbers: int = 1      # how many numbers send: a Messaging Service's pool shares the work
    set_inbound_url: bool = False
    quiet_hours: bool = True
    quiet_start: str = DEFAULT_QUIET_START.strftime("%H:%M")
    quiet_end: str = DEFAULT_QUIET_END.strftime("%H:%M")

    @property
    def ready(self) -> bool:
        return bool(self.sender_kind and self.sender)


def config_of(connection: Connection | None) -> SmsConfig:
    return choices_of(connection, KEY, SmsConfig)


def config_update(connection: Connection, **changes) -> SmsConfig:
    """Change only these fields, on the row as it is now (locked)."""
    return choices_update(connection, KEY, SmsConfig, **changes)


def active_connection(workspace) -> Connection | None:
    return Connection.objects.select_related("workspace").filter(
        workspace=workspace, provider=KEY, mode="", status=ConnectionStatus.ACTIVE).first()
