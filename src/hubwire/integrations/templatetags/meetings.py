from django import template

from hubwire.crm.models import MeetingLink, MeetingLinkStatus
from hubwire.integrations.meetings.services import meeting_wanted_from
from hubwire.integrations.models import MeetingSync
from hubwire.jobs.models import JobStatus
from hubwire.integrations.registry import PROVIDERS

register = template.Library()

STATUS_COLOUR = {MeetingLinkStatus.PENDING: "orange", MeetingLinkStatus.READY: "green",
                 MeetingLinkStatus.FAILED: "red", MeetingLinkStatus.REMOVED: "red"}


@register.inclusion_tag("integrations/meeting_card.html", takes_context=True)
def meeting_card(context, appointment):
    """The appointment's online meeting: its links, or where it stands and why."""
    link = MeetingLink.objects.filter(appointment=appointment).first()
    host = PROVIDERS.get(link.provider) if link else meeting_wanted_from(appointment)
    status = MeetingLinkStatus(link.status) if link else MeetingLinkStatus.PENDING
    return {
        "appointment": appointment,
        "link": link,
        "host": host,
        "status": status,
        "colour": STATUS_COLOUR[status],
        "reason": link.reason if link else f"Creating the {host.name} meeting…" if host else "",
        # While a worker has it queued, the card refreshes itself until that settles.
        "polling": link is None or MeetingSync.objects.filter(
            appointment=appointment, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists(),
        "request": context.get("request"),
    }
