"""hubwire → Google (issue 19, item 2): the pass "google_calendar.push" sends each appointment whose
ledger row waits (booked, moved, retitled, notes or contact changed, cancelled) to its event.

- A new appointment's event is created once: it carries the hubwire id in a private extended
  property, and when a create's answer was lost the next try looks the id up before creating
  (sync.ledger.create_once), so the event is never made twice.
- A change is a PATCH of only the fields that changed, with If-Match: the etag hubwire last saw. A
  412 (someone changed the event in Google meanwhile) re-reads the event and merges field by field
  (apply.apply_known), then sends what is still hubwire's, with the new etag.
- A cancelled appointment deletes its event; an event deleted in Google (404/410 on a write)
  cancels the appointment.
- "Google Meet" as the location asks for a conference on the same event (meet.py).

Appointments are sent as the business chose: invitations to the contact or not (config)."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import httpx
from django.db import connections
from django.utils import timezone

from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.integrations.google_calendar import fields as f
from hubwire.integrations.google_calendar import ledger, meet, recurrence
from hubwire.integrations.google_calendar.api import (HUBWIRE_ID, CalendarApi, EtagMismatch, EventGone, calendar_api,
                                                      setting)
from hubwire.integrations.google_calendar.apply import Reading, apply_known, cancelled_in_google
from hubwire.integrations.google_calendar.config import KEY, active_connection, config_of
from hubwire.integrations.google_calendar.window import window_now
from hubwire.integrations.health import record_failure, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.jobs.models import RetryLater
from hubwire.sync.ledger import create_once, leased_many, record_save
from hubwire.sync.models import MatchedBy, SyncRecord, SyncRun, SyncStatus, Trigger
from hubwire.sync.passes import progress, queue_pass
from hubwire.sync.registry import pass_handler
from hubwire.sync.runs import sync_run

NAME = "google_calendar.push"
TITLE = "Send appointments to Google Calendar"
CHUNK = 50
MERGE_ROUNDS = 3  # 412 → re-read and merge → send again, at most this often per row and pass
RETRY_SECONDS = 30.0


def queue(workspace, *, trigger: str = Trigger.CHANGE):
    return queue_pass(workspace, KEY, NAME, title=TITLE, trigger=trigger)


@pass_handler(NAME)
def push(sync_pass) -> str:
    workspace = sync_pass.workspace
    pending = ledger.rows(workspace).filter(status=SyncStatus.PENDING)
    connection = active_connection(workspace)
    with sync_run(workspace=workspace, provider=KEY, what="appointments", trigger=sync_pass.trigger) as run:
        if connection is None:
            why = ledger.waiting_reason(workspace)
            pending.exclude(reason=why).update(reason=why)
            run.wait(why)
            return why
        reading = Reading(workspace=workspace, config=config_of(connection), run=run, window=window_now(connection))
        sender = Sender(reading)
        total, done, after = pending.count(), 0, 0
        try:
            with calendar_api(connection) as cal:
                sender.cal = cal
                while pks := list(pending.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
                    after = pks[-1]
                    with leased_many(pks) as mine:
                        sender.send_all(list(SyncRecord.objects.filter(pk__in=mine).order_by("pk")))
                    done += len(pks)
                    progress(sync_pass, done=min(done, total), total=total)
        except NeedsReconnect as exc:
            pending.update(reason=f"Waiting for Google Calendar: {exc}")
            run.wait(str(exc))
            return f"waiting: {exc}"
        except (ProviderError, httpx.HTTPError) as exc:
            record_failure(sender.provider, connection, str(exc))
            if getattr(exc, "retryable", True):
                raise RetryLater(f"Google Calendar did not answer ({exc}); trying again shortly",
                                 after_seconds=getattr(exc, "retry_after", None) or RETRY_SECONDS) from None
            raise
        record_success(connection)
    # A change made while this pass ran queued the next pass itself (hooks.py), which sends it.
    return run.counts_in_words


def _add_counts(run: SyncRun, counted: SyncRun) -> None:
    run.created, run.updated = run.created + counted.created, run.updated + counted.updated
    run.removed, run.failed = run.removed + counted.removed, run.failed + counted.failed
    for error in counted.errors:
        if len(run.errors) < SyncRun.MAX_ERRORS:
            run.errors.append(error)


class Sender:
    def __init__(self, reading: Reading):
        self.reading = reading
        self.cal: CalendarApi | None = None
        self.send_updates = "all" if reading.config.send_invitations else "none"
        self.provider = PROVIDERS[KEY]

    def send_all(self, rows: list[SyncRecord]) -> None:
        """Send a chunk's rows, HUBWIRE_GOOGLE_CALENDAR_CONCURRENT_WRITES (4) at a time: one write waits
        on Google's answer (~100 ms or more), so one at a time cannot use the quota of 600 a minute.
        The rate-limit bucket, shared by the threads, keeps them inside it. Each row is its own: its
        lease is held, and no two threads touch one row."""
        writers = setting("CONCURRENT_WRITES", 4)
        if writers <= 1 or len(rows) <= 1:
            for row in rows:
                self.send(row)
            return
        with ThreadPoolExecutor(max_workers=writers) as pool:
            for counted in pool.map(self._send_in_thread, rows):
                _add_counts(self.reading.run, counted)

    def _send_in_thread(self, row: SyncRecord) -> SyncRun:
        """One row in a worker thread, counted on a run of its own (added up by send_all), with the
        thread's database connection closed at the end."""
        run = self.reading.run
        counted = SyncRun(workspace_id=run.workspace_id, provider=run.provider, what=run.what, trigger=run.trigger)
        one = copy.copy(self)
        one.reading = replace(self.reading, run=counted, known=set())
        try:
            one.send(row)
        finally:
            connections.close_all()
        return counted

    def send(self, row: SyncRecord) -> None:
        """Bring one row's event in step with its appointment. A refusal that a retry cannot help is
        the row's failure, in words; anything else goes up to the pass (retry later)."""
        appointment = Appointment.objects.select_related("contact").filter(pk=row.local_id).first()
        try:
            if appointment is None:
                self._forget(row)
            elif appointment.status == AppointmentStatus.CANCELLED:
                self._delete(row, appointment)
            else:
                self._keep(row, appointment)
        except ProviderError as exc:
            if exc.retryable:
                raise
            record_save(row, status=SyncStatus.FAILED, reason=f"Google Calendar refused it: {exc}")
            self.reading.run.failed_record(row, row.reason)

    # --- the three cases ----------------------------------------------------------------------------

    def _forget(self, row: SyncRecord) -> None:
        """The appointment was deleted in hubwire: its event goes too, then the row."""
        if row.external_id:
            self.cal.delete(row.external_id, etag="", send_updates=self.send_updates)
            self.reading.run.removed += 1
        row.delete()

    def _delete(self, row: SyncRecord, appointment: Appointment) -> None:
        if row.synced.get("cancelled") or not (row.external_id or row.create_started_at):
            record_save(row, status=SyncStatus.SYNCED, reason="", synced={**row.synced, "cancelled": True})
            meet.follow_event(appointment, None)
            return
        event_id = row.external_id
        if not event_id:  # a create may have happened unseen: find it by its hubwire id
            found = self.cal.find_by_hubwire_id(ledger.hubwire_id(appointment.pk, row.marker))
            event_id = found["id"] if found else ""
        if event_id:
            try:
                self.cal.delete(event_id, etag=self._etag(row), send_updates=self.send_updates)
            except EtagMismatch:  # edited in Google meanwhile: the cancellation still wins
                self.cal.delete(event_id, etag="", send_updates=self.send_updates)
            self.reading.run.removed += 1
        record_save(row, status=SyncStatus.SYNCED, reason="", external_id=event_id or row.external_id,
                    create_started_at=None, synced={**row.synced, "cancelled": True}, synced_at=timezone.now())
        meet.follow_event(appointment, None)

    def _keep(self, row: SyncRecord, appointment: Appointment) -> None:
        event = None
        if not row.external_id:
            event = self._create(row, appointment)
        for _ in range(MERGE_ROUNDS):
            local = f.appointment_fields(appointment)
            base = ledger.agreed(row)
            changes = [key for key in f.FIELDS if local.get(key) != base.get(key)]
            wants_meet = f.wants_meet(appointment) and row.synced.get("meet_state", "") in ("", "failure")
            drops_meet = meet.made_here(row) and not f.wants_meet(appointment)
            if not changes and not wants_meet and not drops_meet:
                break
            body = f.event_body(local, keys=changes, attendees=row.synced.get("attendees"),
                                previous_contact=base.get("contact", ""))
            if wants_meet:
                if row.synced.get("meet_state") == "failure":
                    record_save(row, synced={**row.synced, "meet_request": ""})
                body["conferenceData"] = meet.create_request(row)
            elif drops_meet:  # no longer on Meet: the invitees' event loses the link too, not only the card
                body["conferenceData"] = None
            try:
                event = self.cal.patch(row.external_id, body, etag=self._etag(row), send_updates=self.send_updates)
            except EtagMismatch:
                event = self.cal.get(row.external_id)
                self._merge(row, event)
                appointment.refresh_from_db()
                continue
            except EventGone:
                self._gone_in_google(row, appointment)
                return
            if event.get("status") == "cancelled":  # Google takes a patch of a deleted event; it stays deleted
                self._gone_in_google(row, appointment)
                return
            self._written(row, event, local)
            self.reading.run.updated += 1
            break
        self._settle(row, appointment, event)

    # --- pieces -------------------------------------------------------------------------------------

    def _create(self, row: SyncRecord, appointment: Appointment) -> dict:
        marker_value = ledger.hubwire_id(appointment.pk, row.marker)
        local = f.appointment_fields(appointment)

        def find(_marker):
            found = self.cal.find_by_hubwire_id(marker_value)
            return (found, found) if found is not None else None

        def create(wanted):
            body = f.event_body(wanted) | {"extendedProperties": {"private": {HUBWIRE_ID: marker_value}}}
            if f.wants_meet(appointment):
                body["conferenceData"] = meet.create_request(row)
            return self.cal.insert(body, send_updates=self.send_updates)

        made = create_once(row, wanted=local, find=find, create=create)
        event = made.remote
        self.reading.known = f.known_emails(self.reading.workspace, [event])
        remote = f.event_fields(event, self.reading.known, self.reading.zone)
        record_save(row, external_id=event["id"], version=event.get("etag", ""), create_started_at=None,
                    matched_by=MatchedBy.CREATED,
                    synced={**remote, "attendees": event.get("attendees") or [],
                            "meet_request": row.synced.get("meet_request", ""),
                            "meet_state": meet.conference_state(event)})
        self.reading.run.created += 1
        return event

    def _written(self, row: SyncRecord, event: dict, sent: dict) -> None:
        # An event written without a conference forgets its requestId: a Meet asked for later is a new one.
        record_save(row, version=event.get("etag", ""), synced_at=timezone.now(),
                    synced={**row.synced, **sent, "attendees": event.get("attendees") or [],
                            "meet_state": meet.conference_state(event),
                            "meet_request": row.synced.get("meet_request", "") if meet.has_conference(event) else "",
                            "exception": bool(row.synced.get("exception") or event.get("recurringEventId"))})

    def _merge(self, row: SyncRecord, event: dict) -> None:
        """412: Google's event moved on. Merge it field by field (Google's side goes to the appointment),
        which leaves in the row what hubwire still has to send."""
        self.reading.known = f.known_emails(self.reading.workspace, [event])
        apply_known(self.reading, row, event, held=True)
        row.refresh_from_db()

    def _gone_in_google(self, row: SyncRecord, appointment: Appointment) -> None:
        cancelled_in_google(self.reading, row, appointment)

    def _settle(self, row: SyncRecord, appointment: Appointment, event: dict | None) -> None:
        """Synced, unless the appointment changed again while hubwire was writing (then it stays
        pending, for the pass the change queued)."""
        appointment.refresh_from_db()
        row.refresh_from_db(fields=["synced", "status", "requested_by"])
        in_step = f.appointment_fields(appointment) == ledger.agreed(row)
        record_save(row, status=SyncStatus.SYNCED if in_step else SyncStatus.PENDING,
                    reason="" if in_step else row.reason)
        if event is not None:
            meet.follow_event(appointment, event)

    def _etag(self, row: SyncRecord) -> str:
        """If-Match for the row's event. An occurrence not yet edited on its own has only its series'
        etag, which Google does not take for the instance: it is written without one."""
        if recurrence.series_of(row.external_id) and not row.synced.get("exception"):
            return ""
        return row.version
