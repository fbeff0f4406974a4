"""Keeping each appointment's online meeting in step with the appointment.

Any change to an appointment (booked, moved, edited, cancelled), a Retry, a (re)connection or the
provider's schedule queues a MeetingSync job; the job compares what the appointment wants with what
the provider last accepted and makes only the calls needed. It is state-based, so running it twice, or after a crash
half-way, converges on the same meeting. The link is a row of the sync ledger (hubwire.sync), whose
algorithm does the rest: a lease so two jobs for one appointment never race to create two meetings,
a create that may have happened unseen (a timeout) found again by its marker before anything is
created anew, and only changed fields sent. Each pass is recorded as a sync run (hubwire.sync.runs)
started by what asked for it (the link's `requested_by`), so the provider's tab shows it."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
from django.db import transaction
from django.utils import timezone

from hubwire.crm.models import Appointment, AppointmentStatus, MeetingLink, MeetingLinkStatus
from hubwire.crm.services.common import emit_for
from hubwire.integrations.health import record_failure, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.inbound import connections_for
from hubwire.integrations.meetings.types import MeetingGone
from hubwire.integrations.models import Connection, ConnectionStatus, MeetingSync
from hubwire.integrations.registry import PROVIDERS, Provider
from hubwire.integrations.selectors import connection_of
from hubwire.integrations.tokens import NeedsReconnect, connection_client
from hubwire.jobs.models import JobStatus, RetryLater
from hubwire.jobs.registry import job_handler
from hubwire.jobs.runner import enqueue
from hubwire.sync.ledger import changed_fields, create_once, in_step, leased, new_marker, record_save as _save
from hubwire.sync.models import MatchedBy, SyncRun, Trigger
from hubwire.sync.runs import sync_run

log = logging.getLogger(__name__)

def meeting_host_for(appointment: Appointment) -> Provider | None:
    """The provider that hosts this appointment's meeting, if its location type has one."""
    return next((p for p in PROVIDERS.values() if p.built and p.meeting_location
                 and p.meeting_location == appointment.location_type), None)


def kept_here(provider: Provider) -> bool:
    """Whether this module keeps the provider's meetings (Zoom's meetings API), rather than another
    sync (Google Meet, which lives on the appointment's Google Calendar event)."""
    return provider.meetings is not None


def meeting_wanted_from(appointment: Appointment) -> Provider | None:
    """The provider that should hold a meeting for this appointment now, if any."""
    return meeting_host_for(appointment) if appointment.status == AppointmentStatus.SCHEDULED else None


# --- requests: in the caller's transaction, no provider calls ------------------------------------

def meeting_link_request(*, appointment: Appointment, retry: bool = False,
                         trigger: Trigger = Trigger.CHANGE) -> MeetingLink | None:
    """Queue a MeetingSync for this appointment if it has or wants a meeting (sent after commit).
    `retry` is asking again after a failure or a meeting deleted at the provider; `trigger` is
    what the queued pass is recorded as started by."""
    host = meeting_wanted_from(appointment)
    with transaction.atomic():
        link = MeetingLink.objects.select_for_update().filter(appointment=appointment).first()
        if link is not None and not kept_here(PROVIDERS[link.provider]) and (host is None or host.key != link.provider):
            # A Meet kept on a calendar event that the appointment no longer wants: the calendar's sync
            # takes the conference off the event; the card is freed now for the meeting wanted instead.
            link.delete()
            link = None
        if host is not None and not kept_here(host):
            if retry:  # the card's Retry; changes reach the calendar's sync through its own hooks
                host.request_meeting(appointment, retry=True)
            return link
        if link is None:
            if host is None:
                return None
            link = MeetingLink.objects.create(workspace_id=appointment.workspace_id, appointment=appointment,
                                              provider=host.key, marker=new_marker(), requested_by=trigger,
                                              reason=f"Creating the {host.name} meeting…")
        elif host is not None and host.key == link.provider:
            if retry or link.status == MeetingLinkStatus.FAILED:
                _save(link, status=MeetingLinkStatus.PENDING, reason="Trying again…")
            elif in_step(link, host.meetings.meeting_fields(appointment, link.marker)):
                return link  # already in step: nothing to send (Zoom counts every write against 100 a day)
        elif link.external_id or link.create_started_at:
            _save(link, reason=f"Deleting the {PROVIDERS[link.provider].name} meeting…")
        if link.requested_by != trigger:
            _save(link, requested_by=trigger)
        _queue(appointment)
    return link


def _queue(appointment: Appointment) -> None:
    waiting = MeetingSync.objects.filter(appointment=appointment, status=JobStatus.PENDING).first()
    if waiting is not None:
        MeetingSync.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now(), attempts=0)
        job = waiting
    else:
        job = MeetingSync.objects.create(appointment=appointment)
    enqueue(job)


def meeting_links_resume(*, workspace, provider: Provider) -> int:
    """After (re)connecting: try again every link of this provider that is waiting or failed."""
    links = MeetingLink.objects.filter(workspace=workspace, provider=provider.key,
                                       status__in=[MeetingLinkStatus.PENDING, MeetingLinkStatus.FAILED])
    return _request_all(links, trigger=Trigger.CONNECT)


def meeting_links_resume_waiting(*, workspace, provider: Provider) -> str:
    """The provider's periodic pass: queue every link still waiting (pending) with no job on its way,
    e.g. one whose pass found the provider unreachable for good. A link with a job already waiting
    (until Zoom's daily limit resets, say) keeps that job's time; failed links wait for a person."""
    connection = connection_of(workspace, provider, mode="")
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        return f"Nothing to do while {provider.name} is not connected."
    queued = MeetingSync.objects.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]).values("appointment_id")
    links = MeetingLink.objects.filter(workspace=workspace, provider=provider.key, status=MeetingLinkStatus.PENDING) \
        .exclude(appointment_id__in=queued)
    count = _request_all(links, trigger=Trigger.SCHEDULE)
    if not count:
        return "No meeting link was waiting."
    return f"Queued {count} waiting meeting link{'s' if count != 1 else ''}."


def _request_all(links, *, trigger: Trigger) -> int:
    count = 0
    for link in links.select_related("appointment"):
        meeting_link_request(appointment=link.appointment, retry=True, trigger=trigger)
        count += 1
    return count


# --- the job: provider calls outside any long transaction -----------------------------------------

def meeting_reconcile(*, appointment_id: int, final_attempt: bool = False) -> str:
    """Make the provider match the appointment. Returns what happened; raises to be retried."""
    link = MeetingLink.objects.select_related("appointment", "workspace").filter(appointment_id=appointment_id).first()
    if link is None:
        return "no meeting wanted"
    host = meeting_wanted_from(link.appointment)
    if link.status == MeetingLinkStatus.REMOVED and host is not None and host.key == link.provider:
        return "the meeting was deleted at the provider; waiting for the user to press Retry"  # not a pass
    with leased(link), sync_run(workspace=link.workspace, provider=link.provider, what=MeetingLink.KIND,
                                trigger=link.requested_by) as run:
        return _bring_in_step(link, final_attempt, run)


def _bring_in_step(link: MeetingLink, final_attempt: bool, run: SyncRun) -> str:
    appointment, provider = link.appointment, PROVIDERS[link.provider]
    host = meeting_wanted_from(appointment)
    wanted = host is not None and host.key == provider.key
    has_meeting = bool(link.external_id or link.create_started_at)
    if not wanted and not has_meeting:
        return _forget(link)
    connection = connection_of(link.workspace, provider, mode="")
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        return _not_connected(link, provider, connection, run, deleting=not wanted)
    try:
        with connection_client(provider, connection) as client:
            outcome = (_keep(link, appointment, provider, client, run) if wanted
                       else _remove(link, provider, client, run))
    except NeedsReconnect as exc:
        _failed(link, run, str(exc))
        return f"failed: {exc}"
    except (ProviderError, httpx.HTTPError) as exc:
        return _call_failed(link, provider, connection, exc, run, final_attempt=final_attempt, deleting=not wanted)
    record_success(connection)
    return outcome


def _keep(link: MeetingLink, appointment: Appointment, provider: Provider, client: httpx.Client, run: SyncRun) -> str:
    api = provider.meetings
    fields = api.meeting_fields(appointment, link.marker)
    outcome = "in step"
    if not link.external_id:
        def find(marker: str):
            found = api.find(provider, client, marker)
            return (found, found.fields) if found is not None else None

        made = create_once(link, wanted=fields, find=find, create=lambda wanted: api.create(provider, client, wanted))
        meeting, outcome = made.remote, made.outcome("meeting")
        created = {"external_id": meeting.meeting_id, "join_url": meeting.join_url, "start_url": meeting.start_url,
                   "passcode": meeting.passcode, "synced": made.synced, "create_started_at": None,
                   "matched_by": MatchedBy.CREATED}
        run.created += 1
        link.synced = made.synced
        if not changed_fields(link, fields):
            # Usual case: the link, its join URL and Ready are written at once, so nobody sees a
            # join link on a meeting still said to be pending.
            _ready(link, provider, **created)
            return outcome
        _save(link, **created)  # an update follows: keep the meeting's id first
    changes = changed_fields(link, fields)
    if changes:
        try:
            api.update(provider, client, link.meeting_id, changes)
        except MeetingGone:
            outcome = _removed(link, provider, f"The {provider.name} meeting was deleted in {provider.name}, so it "
                                               "could not be moved. Press Retry to create a new one.")
            run.failed_record(link, link.reason)
            return outcome
        _save(link, synced={**link.synced, **changes})
        if outcome == "in step":
            run.updated += 1
            outcome = "updated"
        else:
            outcome = f"{outcome}, then updated"
    _ready(link, provider)
    return outcome


def _remove(link: MeetingLink, provider: Provider, client: httpx.Client, run: SyncRun) -> str:
    meeting_id = link.external_id
    if not meeting_id and link.create_started_at:
        found = provider.meetings.find(provider, client, link.marker)
        meeting_id = found.meeting_id if found else ""
    if meeting_id:
        provider.meetings.delete(provider, client, meeting_id)
        run.removed += 1
    _forget(link)
    return f"deleted meeting {meeting_id}" if meeting_id else "no meeting had been made"


def _forget(link: MeetingLink) -> str:
    """The appointment no longer wants this meeting and it is gone: drop the row, and ask for the
    meeting the appointment now wants, if any (a move from one video provider to another)."""
    appointment = link.appointment
    link.delete()
    if meeting_wanted_from(appointment) is not None:
        meeting_link_request(appointment=appointment)
    return "meeting link removed"


def _ready(link: MeetingLink, provider: Provider, **also) -> None:
    was = link.status
    with transaction.atomic():
        _save(link, status=MeetingLinkStatus.READY, reason="", synced_at=timezone.now(), **also)
        if was != MeetingLinkStatus.READY:  # subscribers learn the join link
            emit_for(link.appointment, "appointment.updated", actor=provider.name)


def _removed(link: MeetingLink, provider: Provider, why: str) -> str:
    with transaction.atomic():
        _save(link, status=MeetingLinkStatus.REMOVED, reason=why, external_id="", join_url="", start_url="",
              passcode="", synced={}, create_started_at=None)
        emit_for(link.appointment, "appointment.updated", actor=provider.name)
    return f"removed: {why}"


def _failed(link: MeetingLink, run: SyncRun, why: str) -> None:
    _save(link, status=MeetingLinkStatus.FAILED, reason=why)
    run.failed_record(link, why)


def _not_connected(link: MeetingLink, provider: Provider, connection: Connection | None, run: SyncRun, *,
                   deleting: bool) -> str:
    reconnect = connection is not None and connection.status == ConnectionStatus.NEEDS_ATTENTION
    if deleting:
        why = (f"{provider.name} is not connected, so meeting {link.external_id or '(unconfirmed)'} could not be "
               f"deleted and may still be in your {provider.name} account. Reconnect {provider.name} and it will "
               "be deleted, or delete it there.")
    elif reconnect:
        problem = (connection.status_reason or "it needs attention").rstrip(". ")
        why = f"{provider.name} needs attention: {problem}. The link is created once that is fixed on the {provider.name} tab."
    else:
        why = (f"{provider.name} is not connected. Connect {provider.name} on the Integrations page and the "
               "meeting link is created automatically.")
    if deleting or reconnect:
        _failed(link, run, why)
        return f"{MeetingLinkStatus.FAILED}: {why}"
    _save(link, status=MeetingLinkStatus.PENDING, reason=why)
    run.wait(why)
    return f"{MeetingLinkStatus.PENDING}: {why}"


def _call_failed(link, provider, connection, exc, run: SyncRun, *, final_attempt: bool, deleting: bool) -> str:
    """A 4xx other than 429 will not get better by itself: failed, with the provider's words. A 429
    with a far Retry-After (Zoom's daily limit) waits until then; anything else is retried, then failed."""
    what = "delete" if deleting else "create or update"
    status = getattr(exc, "status", None)
    if status == 429 and getattr(exc, "retry_after", None):
        resume = timezone.now() + timedelta(seconds=exc.retry_after)
        _save(link, status=MeetingLinkStatus.PENDING,
              reason=f"{exc} hubwire tries again automatically at {resume:%Y-%m-%d %H:%M} UTC.")
        raise RetryLater(str(exc), after_seconds=exc.retry_after)
    if status and 400 <= status < 500 and status != 429:
        _failed(link, run, f"{provider.name} refused to {what} the meeting: {exc}")
        return f"failed: {exc}"
    words = str(exc) or type(exc).__name__
    record_failure(provider, connection, f"meeting {what}: {words}")
    if final_attempt:
        _failed(link, run, f"{provider.name} could not {what} the meeting after several tries ({words}). Press Retry.")
        return f"failed: {words}"
    _save(link, status=MeetingLinkStatus.PENDING if not link.join_url else link.status,
          reason=f"{provider.name} did not answer ({words}); hubwire is trying again automatically.")
    raise exc


# --- what the provider tells us -----------------------------------------------------------------

def meeting_deleted_at_provider(*, provider: Provider, account_ref: str, meeting_id: str, detail: str = "") -> int:
    """The provider says a meeting is gone (Zoom's meeting.deleted). Meetings hubwire deleted itself
    have no row any more; one still wanted is cleared and flagged for the user."""
    workspaces = [c.workspace_id for c in connections_for(provider, account_ref)]
    count = 0
    for link in MeetingLink.objects.filter(workspace_id__in=workspaces, provider=provider.key,
                                           external_id=str(meeting_id)).select_related("appointment", "workspace"):
        host = meeting_wanted_from(link.appointment)
        with sync_run(workspace=link.workspace, provider=provider.key, what=MeetingLink.KIND,
                      trigger=Trigger.WEBHOOK) as run:
            if host is None or host.key != provider.key:
                _forget(link)
                run.removed += 1
            else:
                _removed(link, provider, f"The meeting was deleted in {provider.name}{detail}. Press Retry to "
                                         "create a new one, or change the appointment's location.")
                run.failed_record(link, link.reason)
        count += 1
    return count


@job_handler(MeetingSync)
def meeting_sync_run(job: MeetingSync) -> None:
    """A MeetingSync job's work, outside any transaction (the job's in_transaction is False)."""
    outcome = meeting_reconcile(appointment_id=job.appointment_id, final_attempt=job.final_attempt)
    MeetingSync.objects.filter(pk=job.pk).update(outcome=outcome[:2000])
