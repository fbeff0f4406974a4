"""Appointments: booked, rescheduled, updated, cancelled."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hubwire.core.errors import FieldError
from hubwire.crm.models import Appointment, AppointmentStatus, Contact, LocationType
from hubwire.crm.schemas import AppointmentRescheduledOut
from hubwire.crm.services.common import Cleaner, Conflict, choice, required_text, save_and_emit, text, transition, url


def _zone(value, field: str) -> str:
    try:
        ZoneInfo(value or "")
    except (ZoneInfoNotFoundError, ValueError):
        raise FieldError({field: f"“{value}” is not a time zone. Use an IANA name such as America/New_York."}) from None
    return value


def _aware(value, zone: str) -> datetime:
    """A naive datetime (from a form's datetime-local, or the API without an offset) is local time in `zone`."""
    if not isinstance(value, datetime):
        raise TypeError
    return value.replace(tzinfo=ZoneInfo(zone)) if value.tzinfo is None else value


def _clean_appointment(workspace, data: dict, instance: Appointment | None) -> dict:
    c = Cleaner(data, instance)
    creating = instance is None
    c.field("title", required_text, always=creating)
    c.reference("contact", Contact, workspace)
    c.field("time_zone", _zone, default="UTC", always=creating)
    c.field("location_type", choice(LocationType))
    c.field("location", text)
    c.field("meeting_url", url)
    c.field("notes", text)
    # Only a zone that passed its check may localize times; a bad one is already a field error.
    zone = c.values.get("time_zone") or (instance.time_zone if instance else "UTC")
    for field in ("start", "end"):
        if (c.given(field) or creating) and field not in c.errors:
            try:
                c.values[field] = _aware(data.get(field), zone)
            except (TypeError, ValueError, OverflowError):
                c.errors[field] = "Enter a date and time."
    start, end = c.current("start"), c.current("end")
    if isinstance(start, datetime) and isinstance(end, datetime) and "start" not in c.errors and "end" not in c.errors:
        c.check(end > start, "end", "The end must be after the start.")
    return c.result()


def appointment_book(*, workspace, actor: str, **data) -> Appointment:
    values = _clean_appointment(workspace, data, None)
    return save_and_emit(Appointment(workspace=workspace), values, event="appointment.booked", actor=actor)


def appointment_update(*, appointment: Appointment, actor: str, **data) -> Appointment:
    """Moving the start or end is a reschedule (its event carries the previous times)."""
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Conflict("A cancelled appointment cannot be changed; book a new one.")
    values = _clean_appointment(appointment.workspace, data, appointment)
    previous = {"previous_start": appointment.start, "previous_end": appointment.end}
    moved = any(key in values and values[key] != getattr(appointment, key) for key in ("start", "end"))
    if moved:
        return save_and_emit(appointment, values, event="appointment.rescheduled", actor=actor,
                             event_extra={"schema": AppointmentRescheduledOut, **previous})
    return save_and_emit(appointment, values, event="appointment.updated", actor=actor)


def appointment_cancel(*, appointment: Appointment, actor: str) -> Appointment:
    return transition(appointment, allowed_from=(AppointmentStatus.SCHEDULED,), to=AppointmentStatus.CANCELLED,
                      event="appointment.cancelled", actor=actor, verb="cancel")
