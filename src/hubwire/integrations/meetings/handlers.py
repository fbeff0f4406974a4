"""Appointments' events drive their meetings; a video provider's connection becoming active resumes
the links that waited for it."""

from django.dispatch import receiver

from hubwire.crm.models import Appointment
from hubwire.events.registry import on
from hubwire.integrations.meetings.services import meeting_link_request, meeting_links_resume
from hubwire.integrations.signals import connection_activated


@on("appointment.booked", "appointment.rescheduled", "appointment.updated", "appointment.cancelled",
    name="integrations.meeting_links")
def follow_appointment(event) -> None:
    # The appointment as it is now, not as the event saw it: the job brings the meeting to the latest state.
    appointment = Appointment.objects.filter(pk=event.data["id"], workspace_id=event.workspace_id).first()
    if appointment is not None:
        meeting_link_request(appointment=appointment)


@receiver(connection_activated, dispatch_uid="integrations.meetings.resume_links")
def resume_meeting_links(sender, provider, connection, **kwargs) -> None:
    # Connecting or reconnecting Zoom picks up every waiting or failed link by itself (docs/integrations/zoom.md).
    if provider.meeting_location and provider.meetings is not None:
        meeting_links_resume(workspace=connection.workspace, provider=provider)
