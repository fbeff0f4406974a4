"""Applying what Google says about an event to hubwire: used by the read of Google's changes
(pull.py) for each event listed, and by a write that Google refused with 412 (push.py), which
re-reads the event and merges.

For an event hubwire knows (its ledger row), the three views are merged field by field (fields.merge):
what Google changed alone goes to the appointment, what hubwire changed alone is queued to be sent,
and a field changed on both sides keeps Google's value with hubwire's recorded in the timeline. An
event whose etag is the one hubwire last wrote or read is hubwire's own write coming back: nothing
to do, so no change ever echoes. A deleted event cancels its appointment. An event new to hubwire is
imported as an appointment (all events, or those inviting a contact: config.import_events), and a
recurring series is laid out as its occurrences in hubwire's window (recurrence.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from hubwire.core.errors import FieldError
from hubwire.crm.models import Activity, Appointment, AppointmentStatus, LocationType
from hubwire.crm.services.common import Conflict
from hubwire.crm.services.scheduling import appointment_book, appointment_cancel, appointment_update
from hubwire.integrations.google_calendar import fields as f
from hubwire.integrations.google_calendar import ledger, meet, recurrence
from hubwire.integrations.google_calendar.api import HUBWIRE_ID
from hubwire.integrations.google_calendar.config import KEY, CalendarConfig
from hubwire.jobs.models import RetryLater
from hubwire.sync.ledger import leased, new_marker, record_save
from hubwire.sync.models import MatchedBy, SyncRecord, SyncRun, SyncStatus

ACTOR = meet.ACTOR


@dataclass
class Reading:
    """One pass's view of the calendar: whose it is, what it may import, and its window."""

    workspace: object
    config: CalendarConfig
    run: SyncRun
    window: tuple
    known: set = field(default_factory=set)   # guests who are contacts (fields.known_emails), per page
    push_wanted: bool = False                 # some merge left hubwire changes to send
    busy: bool = False                        # a row was held by a push: read again shortly

    @property
    def zone(self) -> str:
        return self.config.calendar_time_zone or self.workspace.time_zone or "UTC"


# --- one event ------------------------------------------------------------------------------------

def apply_event(reading: Reading, event: dict) -> None:
    if event.get("recurrence"):
        apply_series(reading, event)
        return
    row = ledger.row_for_event(reading.workspace, event["id"]) or _adopt(reading, event)
    if row is None:
        if event.get("status") != "cancelled" and _in_window(reading, event) and _wanted(reading, event):
            _import(reading, event, exception=bool(event.get("recurringEventId")))
        return
    apply_known(reading, row, event)


def apply_known(reading: Reading, row: SyncRecord, event: dict, *, from_series: bool = False,
                held: bool = False) -> None:
    """Merge Google's event into a linked row, holding the row's lease (a push writing it meanwhile
    would otherwise race this merge); `held` when the caller (a push meeting a 412) holds it already.
    A row another worker holds is left, and the read is tried again (reading.busy)."""
    if held:
        _apply_known(reading, row, event, from_series=from_series)
        return
    try:
        with leased(row):
            _apply_known(reading, row, event, from_series=from_series)
    except RetryLater:
        reading.busy = True


def _apply_known(reading: Reading, row: SyncRecord, event: dict, *, from_series: bool) -> None:
    row.refresh_from_db()
    appointment = Appointment.objects.filter(pk=row.local_id, workspace=reading.workspace).select_related(
        "contact").first()
    if appointment is None:
        return  # the appointment was deleted in hubwire: the row goes with the next push
    if event.get("status") == "cancelled":
        if not row.synced.get("cancelled"):  # not hubwire's own delete coming back
            cancelled_in_google(reading, row, appointment)
        return
    if row.version and row.version == event.get("etag") and row.status == SyncStatus.SYNCED:
        meet.follow_event(appointment, event)
        return  # hubwire's own write, or a listing of what it already has
    if appointment.status == AppointmentStatus.CANCELLED:
        return  # cancelled in hubwire: the push deletes the event (a cancel wins over an edit)
    remote = f.event_fields(event, reading.known, reading.zone)
    local = f.appointment_fields(appointment)
    merged = f.merge(ledger.agreed(row), local, remote)
    extra = {"attendees": event.get("attendees") or [], "meet_request": row.synced.get("meet_request", ""),
             "meet_state": meet.conference_state(event),
             "exception": bool(row.synced.get("exception"))
             or (bool(event.get("recurringEventId")) and not from_series)}
    try:
        with transaction.atomic():
            if merged.to_hubwire:
                appointment_update(appointment=appointment, actor=ACTOR,
                                   **f.appointment_values(reading.workspace, merged.to_hubwire))
                reading.run.updated += 1
            for key, mine, theirs in merged.conflicts:
                _record_conflict(appointment, key, mine, theirs)
            # The snapshot is what Google holds now: a field hubwire still has to send keeps Google's
            # value here, so that the push sees it differ and sends it.
            google_holds = {**merged.result, **{key: remote[key] for key in merged.to_google}}
            record_save(row, version=event.get("etag", ""), synced={**google_holds, **extra},
                        status=SyncStatus.PENDING if merged.to_google else SyncStatus.SYNCED,
                        reason="" if not merged.to_google else "Sending hubwire's changes to Google Calendar…")
    except (FieldError, Conflict) as exc:
        reading.run.failed_record(row, f"Google Calendar's change to “{appointment.title}” could not be applied: {exc}")
        return
    reading.push_wanted |= bool(merged.to_google)
    meet.follow_event(appointment, event)


def cancelled_in_google(reading: Reading, row: SyncRecord, appointment: Appointment) -> None:
    """The event is gone in Google: the appointment is cancelled (unless hubwire cancelled it already,
    in which case both sides simply agree)."""
    with transaction.atomic():
        why = ""
        if appointment.status == AppointmentStatus.SCHEDULED:
            appointment_cancel(appointment=appointment, actor=ACTOR)
            reading.run.removed += 1
            why = "Deleted in Google Calendar, so the appointment was cancelled."
        record_save(row, status=SyncStatus.SYNCED, synced={**row.synced, "cancelled": True}, reason=why)


def _record_conflict(appointment: Appointment, key: str, mine, theirs) -> None:
    """Both sides changed one field: Google's value was kept; hubwire's goes into the timeline."""
    account = appointment.contact.account if appointment.contact_id and appointment.contact else None
    Activity.objects.create(
        workspace_id=appointment.workspace_id, account=account,
        summary=(f"“{appointment.title}”: the {f.LABELS[key]} was changed in both hubwire and Google Calendar. "
                 f"Google's {f.describe(key, theirs)} was kept; hubwire's {f.describe(key, mine)} was not "
                 "applied.")[:300])


def _adopt(reading: Reading, event: dict) -> SyncRecord | None:
    """An event carrying the hubwire id of an appointment whose row has no event yet: the answer to
    hubwire's create was lost. Link it rather than import it (no duplicate)."""
    value = ((event.get("extendedProperties") or {}).get("private") or {}).get(HUBWIRE_ID, "")
    appointment_id = ledger.appointment_id_of(value)
    if appointment_id is None:
        return None
    row = ledger.rows(reading.workspace).filter(local_id=appointment_id, external_id="").first()
    if row is None or value != ledger.hubwire_id(appointment_id, row.marker):
        return None
    record_save(row, external_id=event["id"], create_started_at=None, matched_by=MatchedBy.CREATED,
                synced={**row.synced, **ledger.agreed(row)})
    return row


def _wanted(reading: Reading, event: dict) -> bool:
    """Whether an event made in Google becomes an appointment (config.import_events)."""
    return reading.config.import_events == "all" or bool(f.event_contact(event, reading.known))


def _in_window(reading: Reading, event: dict) -> bool:
    """Whether the event overlaps hubwire's window (an all-day event's dates read as UTC midnights)."""
    when = f.event_when(event, reading.zone)
    midnight = "T00:00:00+00:00" if when["all_day"] else ""
    start, end = when["start"] + midnight, when["end"] + midnight
    low, high = reading.window
    return datetime.fromisoformat(end) > low and datetime.fromisoformat(start) < high


def _import(reading: Reading, event: dict, *, exception: bool = False) -> Appointment | None:
    remote = f.event_fields(event, reading.known, reading.zone)
    values = f.appointment_values(reading.workspace, remote)
    has_meet = bool(meet.join_url(event) or meet.has_conference(event))
    values["location_type"] = LocationType.GOOGLE_MEET if has_meet else LocationType.IN_PERSON
    try:
        with transaction.atomic():
            if ledger.rows(reading.workspace).filter(external_id=event["id"]).exists():
                return None  # imported meanwhile by another read
            appointment = appointment_book(workspace=reading.workspace, actor=ACTOR, **values)
            SyncRecord.objects.create(
                workspace=reading.workspace, provider=KEY, kind=ledger.EVENT, local_id=appointment.pk,
                external_id=event["id"], version=event.get("etag", ""), status=SyncStatus.SYNCED,
                matched_by=MatchedBy.PROVIDER, marker=new_marker(),
                synced={**remote, "attendees": event.get("attendees") or [], "exception": exception,
                        "meet_state": meet.conference_state(event)})
    except IntegrityError:  # another read imported it at the same moment: its row stands, this one is undone
        return None
    except (FieldError, Conflict) as exc:
        reading.run.error(f"The Google Calendar event “{remote['title']}” could not become an appointment: {exc}")
        reading.run.failed += 1
        return None
    reading.run.created += 1
    meet.follow_event(appointment, event)
    return appointment


# --- recurring series -----------------------------------------------------------------------------

def apply_series(reading: Reading, series: dict) -> None:
    row = ledger.row_for_event(reading.workspace, series["id"], ledger.SERIES)
    if row is None:
        row = SyncRecord.objects.create(workspace=reading.workspace, provider=KEY, kind=ledger.SERIES,
                                        external_id=series["id"], status=SyncStatus.SYNCED,
                                        matched_by=MatchedBy.PROVIDER)
    if row.version == series.get("etag") and row.synced.get("series"):
        return
    record_save(row, version=series.get("etag", ""), synced={"series": series}, status=SyncStatus.SYNCED)
    lay_out(reading, row)


def lay_out(reading: Reading, row: SyncRecord) -> None:
    """Make the series' occurrences in the window appointments (and only those): new ones imported,
    existing ones merged with the series' current fields, ones the series no longer has cancelled.
    Occurrences Google keeps as exceptions are left to their own events."""
    series = row.synced.get("series") or {}
    cancelled = series.get("status") == "cancelled"
    instances = [] if cancelled else recurrence.occurrences(series, reading.window, reading.zone)
    if instances:
        reading.known |= f.known_emails(reading.workspace, [series])
    by_id = {i["id"]: i for i in instances}
    existing = {r.external_id: r for r in ledger.rows(reading.workspace).filter(
        external_id__startswith=f"{series['id']}_")}
    for instance_id, instance in by_id.items():
        occurrence_row = existing.get(instance_id)
        if occurrence_row is None:
            if _wanted(reading, instance):
                _import(reading, {**instance, "etag": series.get("etag", "")})
        elif not occurrence_row.synced.get("exception") and not occurrence_row.synced.get("cancelled"):
            apply_known(reading, occurrence_row, {**instance, "etag": series.get("etag", "")}, from_series=True)
    low, _ = reading.window
    for instance_id, occurrence_row in existing.items():
        if instance_id in by_id or occurrence_row.synced.get("exception") or occurrence_row.synced.get("cancelled"):
            continue
        appointment = Appointment.objects.filter(pk=occurrence_row.local_id).first()
        if appointment is not None and (series.get("status") == "cancelled" or appointment.end > low):
            cancelled_in_google(reading, occurrence_row, appointment)
