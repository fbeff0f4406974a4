"""Appointments' events drive their meetings."""

from hubwire.crm.models import Appointment
from hubwire.events.registry import on
from hubwire.integrations.meetings.services import meeting_link_request


@on("appointment.booked", "appointment.rescheduled", "appointment.updated", "appointment.cancelled",
    name="integrations.meeting_links")
def follow_appointment(event) -> None:
    # The appointment as it is now, not as the event saw it: the job brings the meeting to the latest state.
    appointment = Appointment.objects.filter(pk=event.data["id"], workspace_id=event.workspace_id).first()
    if appointment is not None:
        meeting_link_request(appointment=appointment)
