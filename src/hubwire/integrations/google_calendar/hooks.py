"""What starts the calendar's passes: a change to an appointment queues its push; connecting starts
the watch channel, sends the appointments already booked and reads the calendar (start.py)."""

from __future__ import annotations

from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.events.registry import on
from hubwire.integrations.google_calendar import fields as f
from hubwire.integrations.google_calendar import ledger, meet, push
from hubwire.integrations.google_calendar.config import connection_of
from hubwire.integrations.models import ConnectionStatus
from hubwire.sync.models import SyncStatus, Trigger


@on("appointment.booked", "appointment.rescheduled", "appointment.updated", "appointment.cancelled",
    name="google_calendar.follow_appointments")
def follow_appointment(event) -> None:
    appointment = Appointment.objects.select_related("contact").filter(
        pk=event.data["id"], workspace_id=event.workspace_id).first()
    if appointment is not None:
        appointment_changed(appointment)


def appointment_changed(appointment: Appointment, *, trigger: str = Trigger.CHANGE) -> bool:
    """Queue the appointment's push when its event is not in step; True when one was queued."""
    connection = connection_of(appointment.workspace_id)
    if connection is None or connection.status in (ConnectionStatus.NOT_CONNECTED, ConnectionStatus.SETUP_INCOMPLETE):
        meet.waiting(appointment, meet.CONNECT_FIRST)
        return False  # never connected (or disconnected): connecting sends what is booked then
    row = ledger.row_for_appointment(appointment)
    if row is not None and trigger == Trigger.CHANGE and in_step(row, appointment):
        return False
    active = connection.status == ConnectionStatus.ACTIVE
    reason = "" if active else ledger.waiting_reason(appointment.workspace_id)
    ledger.wait_for_push(appointment, trigger=trigger, reason=reason)
    if not active:
        meet.waiting(appointment, reason)
        return False
    push.queue(appointment.workspace, trigger=trigger)
    return True


def in_step(row, appointment: Appointment) -> bool:
    if row.status != SyncStatus.SYNCED:
        return False
    if appointment.status == AppointmentStatus.CANCELLED:
        return bool(row.synced.get("cancelled"))
    if f.wants_meet(appointment) and row.synced.get("meet_state", "") in ("", "failure"):
        return False
    if meet.made_here(row) and not f.wants_meet(appointment):
        return False  # off Meet now: the push takes the conference off the event
    return f.appointment_fields(appointment) == ledger.agreed(row)
