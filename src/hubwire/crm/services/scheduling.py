"""Appointments: booked, rescheduled, updated, cancelled."""

from datetime import datetime
from zoneinfo import ZoneInfo

from hubwire.core.errors import FieldError
from hubwire.core.timezones import time_zone_name
from hubwire.crm.models import Appointment, AppointmentStatus, Contact, LocationType
from hubwire.crm.schemas import AppointmentRescheduledOut
from hubwire.crm.services.common import Cleaner, Conflict, choice, required_text, save_and_emit, text, transition, url


def _aware(value, zone: str) -> datetime:
    """A naive datetime (from a form's datetime-local, or the API without an offset) is local time in `zone`."""
    if not isinstance(value, datetime):
        raise TypeError
    return value.replace(tzinfo=ZoneInfo(zone)) if value.tzinfo is None else value


def yes_no(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError({field: "Choose true or false."})
    return value


def _clean_appointment(workspace, data: dict, instance: Appointment | None) -> dict:
    creating = instance is None
    if creating and not data.get("time_zone"):
        data = {**data, "time_zone": workspace.time_zone}  # booked in the business's own zone unless told otherwise
    c = Cleaner(data, instance)
    c.field("title", required_text, always=creating)
    c.reference("contact", Contact, workspace)
    c.field("time_zone", time_zone_name, always=creating)
    c.field("location_type", choice(LocationType))
    c.field("location", text)
    c.field("meeting_url", url)
    c.field("notes", text)
    c.field("all_day", yes_no)
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
