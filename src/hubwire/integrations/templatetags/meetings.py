from django import template

from hubwire.crm.models import MeetingLink, MeetingLinkStatus
from hubwire.integrations.meetings.services import meeting_wanted_from
from hubwire.integrations.models import MeetingSync
from hubwire.jobs.models import JobStatus
from hubwire.integrations.models import ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.selectors import connection_of

register = template.Library()


DELETING = "deleting"  # the card's own state for a meeting on its way out; the link row has no such status
STATUS_COLOUR = {MeetingLinkStatus.PENDING: "orange", MeetingLinkStatus.READY: "green",
                 MeetingLinkStatus.FAILED: "red", MeetingLinkStatus.REMOVED: "red", DELETING: "orange"}


@register.inclusion_tag("integrations/meeting_card.html", takes_context=True)
def meeting_card(context, appointment):
    """The appointment's online meeting: its links, or where it stands and why. What the appointment
    wants now comes first: the link row only catches up once a worker has handled the change (a
    cancelled appointment's meeting is deleted in the background), so until then the card says
    what is on its way rather than the row's old state."""
    link = MeetingLink.objects.filter(appointment=appointment).first()
    wanted = meeting_wanted_from(appointment)
    host = PROVIDERS.get(link.provider) if link else wanted
    # A meeting the appointment no longer wants (cancelled, or moved off this provider) is being deleted.
    leaving = link is not None and (wanted is None or wanted.key != link.provider)
    if leaving and link.status != MeetingLinkStatus.FAILED:
        status, label, reason = DELETING, "Deleting", f"Deleting the {_called(host)}…"
    elif link:
        status, label, reason = link.status, link.status_label, link.reason
    else:
        status, label = MeetingLinkStatus.PENDING, MeetingLinkStatus.PENDING.label
        reason = f"Creating the {_called(host)}…" if host else ""
    return {
        "appointment": appointment,
        "link": None if leaving else link,  # nobody should join a meeting on its way out
        "host": host,
        "status": status,
        "label": label,
        "colour": STATUS_COLOUR[status],
        "reason": reason,
        "meeting_name": _called(host).removesuffix(" meeting") if host else "",
        # While a change is on its way to the provider, the card refreshes itself until that settles.
        "polling": link is None or status == DELETING or _made_elsewhere_soon(appointment, link, host) or MeetingSync.objects.filter(
            appointment=appointment, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists(),
        "request": context.get("request"),
    }


def _called(host) -> str:
    """What the card calls the meeting: "Zoom meeting", "Google Meet"."""
    return host.meeting_name or f"{host.name} meeting"


def _made_elsewhere_soon(appointment, link, host) -> bool:
    """A pending Meet kept on the calendar event (no MeetingSync job to watch): refresh while its
    provider is connected, so the link shows as soon as Google has made it."""
    if link is None or host is None or host.meetings is not None or link.status != MeetingLinkStatus.PENDING:
        return False
    connection = connection_of(appointment.workspace, host, mode="")
    return connection is not None and connection.status == ConnectionStatus.ACTIVE
