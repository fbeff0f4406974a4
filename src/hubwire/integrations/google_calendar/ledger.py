"""The calendar's rows in the sync ledger (hubwire.sync): one per appointment ↔ Google event
(kind "calendar_event"; an occurrence of a series is keyed by Google's instance id), and one per
recurring series seen in Google (kind "calendar_series", no local object: it holds the series so
that its occurrences can be laid out again as the window moves, without asking Google).

A row's `synced` is what both sides last agreed on (fields.py's view), plus:
- "attendees": the event's guest list as last read (a contact change swaps one guest within it);
- "meet_request": the conferenceData requestId sent, so that a retried write never makes a second Meet;
- "meet_state": the event's conference as last read ("", "pending", "success", "failure");
- "cancelled": the event is deleted in Google and the appointment cancelled (nothing more to do);
- "exception": the row is an occurrence Google keeps as an exception (edited on its own).
`version` is the event's etag as last read or written; `matched_by` PROVIDER marks an appointment
that came from Google (the appointment page says so)."""

from __future__ import annotations

from django.db import transaction

from hubwire.crm.models import Appointment
from hubwire.integrations.google_calendar.config import KEY, connection_of
from hubwire.integrations.google_calendar.fields import EMPTY, FIELDS
from hubwire.sync.ledger import new_marker, record_save
from hubwire.sync.models import SyncRecord, SyncStatus, Trigger

EVENT = "calendar_event"
SERIES = "calendar_series"
EXTRA = ("attendees", "meet_request", "meet_state", "cancelled", "exception")


def rows(workspace, kind: str = EVENT):
    return SyncRecord.objects.filter(workspace=workspace, provider=KEY, kind=kind)


def row_for_appointment(appointment: Appointment) -> SyncRecord | None:
    return rows(appointment.workspace_id).filter(local_id=appointment.pk).first()


def row_for_event(workspace, event_id: str, kind: str = EVENT) -> SyncRecord | None:
    return rows(workspace, kind).filter(external_id=event_id).first()


def hubwire_id(appointment_id: int, marker: str) -> str:
    """The value of the event's private extended property `hubwire_id` (api.HUBWIRE_ID)."""
    return f"appointment-{appointment_id}-{marker}"


def appointment_id_of(value: str) -> int | None:
    parts = (value or "").split("-")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "appointment" and parts[1].isdigit() else None


def agreed(row: SyncRecord) -> dict:
    """The row's snapshot without the bookkeeping keys: what both sides last agreed on. A field
    synced since the snapshot was made reads as empty (fields.EMPTY)."""
    return {**{key: EMPTY[key] for key in FIELDS}, **{k: v for k, v in row.synced.items() if k not in EXTRA}}


def wait_for_push(appointment: Appointment, *, trigger: str = Trigger.CHANGE, reason: str = "") -> SyncRecord:
    """Mark the appointment's row as having something to send (made on first use), in the caller's
    transaction; the push pass (push.py) is queued by the caller."""
    with transaction.atomic():
        row = rows(appointment.workspace_id).select_for_update().filter(local_id=appointment.pk).first()
        if row is None:
            return SyncRecord.objects.create(workspace_id=appointment.workspace_id, provider=KEY, kind=EVENT,
                                             local_id=appointment.pk, marker=new_marker(), requested_by=trigger,
                                             reason=reason or "Waiting to be sent to Google Calendar…")
        changes = {"status": SyncStatus.PENDING, "requested_by": trigger}
        if reason:
            changes["reason"] = reason
        record_save(row, **changes)
        return row


def waiting_reason(workspace) -> str:
    """What an appointment waiting for Google Calendar says, from the connection's state."""
    connection = connection_of(workspace)
    if connection is None or connection.status == "not_connected":
        return "Waiting for Google Calendar to be connected."
    if connection.status == "needs_attention":
        return f"Waiting for Google Calendar: {connection.status_reason or 'it needs reconnecting.'}"
    return "Waiting to be sent to Google Calendar…"
