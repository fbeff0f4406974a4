"""The business's SMS choices, kept with its Twilio connection (Connection.details["twilio"]): what
sends (one of the account's numbers, or a Messaging Service), whether hubwire may set the inbound
URL on it, and quiet hours for automated messages. Read through here so every module agrees."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import time

from django.db import transaction

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
    stored = (connection.details or {}).get(KEY, {}) if connection is not None else {}
    known = {f.name for f in fields(SmsConfig)}
    return SmsConfig(**{k: v for k, v in stored.items() if k in known})


def config_update(connection: Connection, **changes) -> SmsConfig:
    """Change only these fields, on the row as it is now (locked)."""
    with transaction.atomic():
        locked = Connection.objects.select_for_update().only("details").get(pk=connection.pk)
        config = config_of(locked)
        for name, value in changes.items():
            setattr(config, name, value)
        locked.details = {**(locked.details or {}), KEY: asdict(config)}
        Connection.objects.filter(pk=locked.pk).update(details=locked.details)
    connection.details = locked.details
    return config


def active_connection(workspace) -> Connection | None:
    return Connection.objects.select_related("workspace").filter(
        workspace=workspace, provider=KEY, mode="", status=ConnectionStatus.ACTIVE).first()
