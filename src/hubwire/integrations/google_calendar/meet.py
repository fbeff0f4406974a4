"""Google Meet links (issue 19, item 6). The appointment's one Google event carries its Meet: hubwire
asks for it with conferenceData.createRequest (conferenceDataVersion=1) on the event it writes anyway,
with a requestId kept on the ledger row so a retried write never makes a second conference. Google may
answer `pending`; the link appears when a later read of the event (a push, the safety pass) finds it
`success`. The appointment's meeting card shows the link as Zoom's does: a MeetingLink row of provider
google_calendar, written only here."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from hubwire.crm.models import Appointment, MeetingLink, MeetingLinkStatus
from hubwire.crm.services.common import emit_for
from hubwire.integrations.google_calendar.config import KEY
from hubwire.integrations.google_calendar.fields import wants_meet
from hubwire.sync.ledger import record_save
from hubwire.sync.models import SyncRecord

ACTOR = "Google Calendar"
CONNECT_FIRST = "Connect Google Calendar to use Google Meet: the link is made as soon as it is connected."
MAKING = "Google is making the Meet link…"


def create_request(row: SyncRecord) -> dict:
    """The conferenceData asking Google for a Meet, with the row's requestId (made once)."""
    request_id = row.synced.get("meet_request") or f"hubwire-{row.marker}-{secrets.token_hex(4)}"
    if row.synced.get("meet_request") != request_id:
        record_save(row, synced={**row.synced, "meet_request": request_id})
    return {"createRequest": {"requestId": request_id, "conferenceSolutionKey": {"type": "hangoutsMeet"}}}


def made_here(row: SyncRecord) -> bool:
    """Whether the row's event carries a Meet that hubwire asked for (made, or being made): the one
    the push takes off the event when the appointment leaves Meet."""
    return bool(row.synced.get("meet_request")) and row.synced.get("meet_state", "") in ("pending", "success")


def has_conference(event: dict) -> bool:
    return bool(event.get("conferenceData"))


def join_url(event: dict) -> str:
    data = event.get("conferenceData") or {}
    video = next((p.get("uri", "") for p in data.get("entryPoints") or [] if p.get("entryPointType") == "video"), "")
    return video or event.get("hangoutLink", "")


def conference_state(event: dict) -> str:
    data = event.get("conferenceData") or {}
    return ((data.get("createRequest") or {}).get("status") or {}).get("statusCode") or ("success" if join_url(event)
                                                                                        else "")


def waiting(appointment: Appointment, reason: str) -> None:
    """The appointment wants a Meet that cannot be made yet: its card says why (never a silent fallback)."""
    if not wants_meet(appointment):
        return
    link = MeetingLink.objects.filter(appointment=appointment).first()
    if link is None:
        MeetingLink.objects.create(workspace_id=appointment.workspace_id, appointment=appointment, provider=KEY,
                                   reason=reason)
    elif link.provider == KEY and link.status != MeetingLinkStatus.READY and link.reason != reason:
        record_save(link, reason=reason)


def follow_event(appointment: Appointment, event: dict | None) -> None:
    """Bring the appointment's Meet card in step with its Google event as just read or written."""
    link = MeetingLink.objects.filter(appointment=appointment).first()
    if not wants_meet(appointment):
        if link is not None and link.provider == KEY:
            link.delete()
        return
    if link is not None and link.provider != KEY:
        return  # another provider's meeting on its way out (its own sync removes it)
    state = conference_state(event or {})
    url = join_url(event or {})
    with transaction.atomic():
        if link is None:
            link = MeetingLink.objects.create(workspace_id=appointment.workspace_id, appointment=appointment,
                                              provider=KEY, reason=MAKING)
        if state == "success" and url:
            if link.status != MeetingLinkStatus.READY or link.join_url != url:
                conference_id = (event.get("conferenceData") or {}).get("conferenceId", "")
                record_save(link, status=MeetingLinkStatus.READY, reason="", join_url=url, synced_at=timezone.now(),
                            external_id=conference_id or link.external_id)
                emit_for(appointment, "appointment.updated", actor=ACTOR)  # subscribers learn the link
        elif state == "failure":
            record_save(link, status=MeetingLinkStatus.FAILED,
                        reason="Google could not make the Meet link. Press Retry to ask again.")
        elif link.reason != MAKING or link.status != MeetingLinkStatus.PENDING:
            record_save(link, status=MeetingLinkStatus.PENDING, reason=MAKING)
