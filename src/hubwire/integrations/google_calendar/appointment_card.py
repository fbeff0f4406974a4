"""The Google Calendar card on an appointment's page: whether the appointment is on the calendar (with
its event), came from it, was cancelled there, waits (and why) or was refused (with Google's reason
and Retry). Shown once the workspace has connected Google Calendar, or when the appointment has a
ledger row (a disconnect keeps the rows, and the card still says where things stand). It refreshes
itself while the appointment waits to be sent and Google Calendar is connected.

The shared sync panel names a failed appointment and retries it through the same words and action."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.crm.panels import record_panel
from hubwire.events.models import HandlerRun
from hubwire.events.registry import HANDLERS
from hubwire.integrations.google_calendar import hooks, ledger
from hubwire.integrations.google_calendar.config import KEY, connection_of
from hubwire.integrations.google_calendar.setup import days_ahead
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.jobs.models import JobStatus
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus, Trigger
from hubwire.sync.registry import record_label, retry_handler

TEMPLATE = "google_calendar/appointment_card.html"
CANCELLED_IN_HUBWIRE = "Cancelled in hubwire, so its Google Calendar event was deleted."


class CannotSend(Exception):
    """Send / Retry while Google Calendar is not connected or needs reconnecting; the words say which."""


@dataclass(frozen=True)
class CardState:
    label: str
    colour: str              # the badge: green, orange, red, grey
    reason: str = ""
    button: str = ""         # the button's words; "" when pressing it would not help
    working: bool = False    # about to be sent: the card refreshes itself


def card_context(appointment: Appointment, *, notice: str = "", error: str = "") -> dict | None:
    connection = connection_of(appointment.workspace_id)
    row = ledger.row_for_appointment(appointment)
    connected = connection is not None and connection.status != ConnectionStatus.NOT_CONNECTED
    if row is None and not connected:
        return None
    return {"gcal": {"state": appointment_state(appointment, connection, row), "row": row,
                     "event_link": event_link(row),
                     "notice": notice, "error": error}}


def event_link(row: SyncRecord | None) -> str:
    """Google's htmlLink for the event when the row keeps one; only an https address is ever a link."""
    link = str((row.synced.get("htmlLink") if row else "") or "")
    return link if link.startswith("https://") else ""


def appointment_panel_context(request, appointment: Appointment) -> dict | None:
    """crm.panels.record_panel's context for an appointment's page."""
    return card_context(appointment)


def change_on_its_way(appointment: Appointment) -> bool:
    """A change to the appointment (booked, edited) whose Google Calendar handler (hooks.py) has not
    run yet: until it has, the ledger row does not know that the appointment waits, or is missing."""
    names = [name for name, handler in HANDLERS.items() if handler is hooks.follow_appointment]
    return HandlerRun.objects.filter(handler__in=names, status__in=[JobStatus.PENDING, JobStatus.RUNNING],
                                     event__workspace_id=appointment.workspace_id,
                                     event__data__id=appointment.pk).exists()


def appointment_state(appointment: Appointment, connection: Connection | None, row: SyncRecord | None) -> CardState:
    active = connection is not None and connection.status == ConnectionStatus.ACTIVE
    if active and change_on_its_way(appointment):
        return CardState("Waiting", "orange", "Waiting to be sent to Google Calendar…", working=True)
    if row is None:
        if appointment.status == AppointmentStatus.CANCELLED:
            return CardState("Not in Google Calendar", "grey", "It was cancelled before Google Calendar was connected.")
        return CardState("Not in Google Calendar", "grey",
                         f"Appointments already booked when Google Calendar was connected are sent when they fall "
                         f"between yesterday and {days_ahead()} days ahead; any change to this one sends it.",
                         button="Send to Google Calendar" if active else "")
    if row.status == SyncStatus.FAILED:
        return CardState("Failed", "red", row.reason, button="Retry")
    if row.status == SyncStatus.PENDING:
        return CardState("Waiting", "orange", row.reason or ledger.waiting_reason(appointment.workspace_id),
                         working=active)
    if row.synced.get("cancelled"):
        return CardState("Cancelled in Google Calendar", "grey", row.reason or CANCELLED_IN_HUBWIRE)
    if row.matched_by == MatchedBy.PROVIDER:
        return CardState("From Google Calendar", "green",
                         "Made from an event on the Google Calendar; changes on either side reach the other.")
    return CardState("In Google Calendar", "green")


def appointment_retry(appointment: Appointment) -> str:
    """Send the appointment to its event again (a refusal Google may not repeat, or one never sent);
    CannotSend when Google Calendar is not connected now."""
    connection = connection_of(appointment.workspace_id)
    if connection is None or connection.status in (ConnectionStatus.NOT_CONNECTED, ConnectionStatus.SETUP_INCOMPLETE):
        raise CannotSend("Google Calendar is not connected: connect it first.")
    if connection.status != ConnectionStatus.ACTIVE:
        raise CannotSend("Google Calendar needs reconnecting first"
                         + (f": {connection.status_reason}" if connection.status_reason else "."))
    hooks.appointment_changed(appointment, trigger=Trigger.BUTTON)
    return "Sending it to Google Calendar now."


record_panel("appointments", template=TEMPLATE, context=appointment_panel_context, order=60)


@retry_handler(KEY, ledger.EVENT)
def retry_event(record: SyncRecord) -> str:
    appointment = Appointment.objects.filter(pk=record.local_id, workspace_id=record.workspace_id).first()
    if appointment is None:
        return "This appointment no longer exists in hubwire, so there is nothing to send."
    try:
        return appointment_retry(appointment)
    except CannotSend as exc:
        return str(exc)


@record_label(KEY, ledger.EVENT)
def event_label(record: SyncRecord) -> tuple[str, str]:
    appointment = Appointment.objects.filter(pk=record.local_id, workspace_id=record.workspace_id).first()
    if appointment is None:
        return f"Google Calendar event {record.external_id or record.pk} (its appointment is gone)", ""
    return f"Appointment “{appointment.title}”", reverse("crm:detail", args=["appointments", appointment.pk])
