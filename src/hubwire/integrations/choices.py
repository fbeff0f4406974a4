"""A provider's business choices, kept with its connection as a dataclass under
Connection.details[<key>] (QuickBooks' item and export time, Google Calendar's invitations and
watch channel, SMS's sender and quiet hours). One way to read them, with the dataclass's defaults
for what was never saved, and two ways to write them: whole, or some fields on the row as it is now."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import TypeVar

from django.db import transaction

from hubwire.integrations.models import Connection

Choices = TypeVar("Choices")


def choices_of(connection: Connection | None, key: str, kind: type[Choices]) -> Choices:
    """The saved choices (fields the dataclass no longer has are ignored), or the defaults."""
    stored = (connection.details or {}).get(key, {}) if connection is not None else {}
    known = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in stored.items() if k in known})


def choices_put(connection: Connection, key: str, choices) -> None:
    """Set the choices on `connection` without saving it (its caller saves the row: connecting,
    disconnecting)."""
    connection.details = {**(connection.details or {}), key: asdict(choices)}


def choices_save(connection: Connection, key: str, choices) -> None:
    """Store the choices (one UPDATE of details; nothing else on the row is touched)."""
    choices_put(connection, key, choices)
    Connection.objects.filter(pk=connection.pk).update(details=connection.details)


def choices_update(connection: Connection, key: str, kind: type[Choices], **changes) -> Choices:
    """Change only these fields, on the row as it is now (locked): a worker writing one field (a
    renewed watch channel) never undoes what the business saved meanwhile."""
    with transaction.atomic():
        locked = Connection.objects.select_for_update().only("details").get(pk=connection.pk)
        choices = choices_of(locked, key, kind)
        for name, value in changes.items():
            setattr(choices, name, value)
        choices_save(locked, key, choices)
    connection.details = locked.details
    return choices
