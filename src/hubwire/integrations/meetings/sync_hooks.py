"""Meetings on the shared sync panel: what each meeting-hosting provider (Zoom) registers with
hubwire.sync, so the panel can name a failed meeting, retry it, and run the provider's schedule."""

from zoneinfo import ZoneInfo

from django.urls import reverse

from hubwire.crm.models import MeetingLink
from hubwire.integrations.meetings.services import meeting_link_request, meeting_links_resume_waiting
from hubwire.integrations.registry import PROVIDERS
from hubwire.sync.models import Trigger
from hubwire.sync.registry import record_label, retry_handler, schedule_handler

def retry_meeting(record) -> str:
    """The panel's Retry on a failed or deleted meeting: the same as the appointment card's."""
    link = MeetingLink.objects.select_related("appointment").get(pk=record.pk)
    if meeting_link_request(appointment=link.appointment, retry=True, trigger=Trigger.BUTTON) is None:
        return "This appointment is no longer held on a video service, so there is no meeting to retry."
    return f"Trying “{link.appointment.title}” again."


def meeting_label(record) -> tuple[str, str]:
    """The appointment's title and start in its own time zone, linking to its page."""
    appointment = MeetingLink.objects.select_related("appointment").get(pk=record.pk).appointment
    start = appointment.start.astimezone(ZoneInfo(appointment.time_zone))
    return (f"{appointment.title}, {start:%Y-%m-%d %H:%M} ({appointment.time_zone})",
            reverse("crm:detail", args=["appointments", appointment.pk]))


for provider in PROVIDERS.values():
    if provider.meeting_location and provider.meetings is not None:
        retry_handler(provider.key, MeetingLink.KIND)(retry_meeting)
        record_label(provider.key, MeetingLink.KIND)(meeting_label)


@schedule_handler("meetings.resume_waiting")  # declared in a meeting-hosting provider's `schedules`
def resume_waiting(schedule) -> str:
    """Every so often, queue the provider's meeting links still waiting for it (e.g. a pass that gave
    up on an outage), so none waits for the next connect or edit to be noticed."""
    return meeting_links_resume_waiting(workspace=schedule.workspace, provider=PROVIDERS[schedule.provider])
