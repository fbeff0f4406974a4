"""Conflicts without clocks (issue 19, item 4): writes carry If-Match with the event's etag; a 412
re-reads and merges field by field; a change never echoes back and forth."""

from datetime import datetime
from zoneinfo import ZoneInfo

from hubwire.crm.models import Activity
from hubwire.crm.services.scheduling import appointment_update
from hubwire.integrations.google_calendar import ledger
from hubwire.sync.models import SyncStatus
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import api_calls, book, quiet_google, read_calendar
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB
NY = ZoneInfo("America/New_York")
MOVED = {"start": {"dateTime": "2026-12-10T15:00:00-05:00", "timeZone": "America/New_York"},
         "end": {"dateTime": "2026-12-10T16:00:00-05:00", "timeZone": "America/New_York"}}


def booked_and_sent(calendar, workspace, **extra):
    appointment = book(workspace, notes="Agenda: moodboard", **extra)
    run_jobs()
    [event] = calendar.events()
    quiet_google()
    return appointment, event


def test_a_412_merges_a_field_changed_on_each_side(calendar, workspace):
    appointment, event = booked_and_sent(calendar, workspace)
    calendar.control("edit-event", event_id=event["id"], changes=MOVED)          # Google moves it
    appointment_update(appointment=appointment, actor="owner", title="Retitled in hubwire")  # hubwire retitles
    run_jobs()
    patches = [c.status for c in api_calls(calendar.sandbox, "PATCH")]
    assert patches == [412, 200]  # refused once, then sent with the new etag
    final = calendar.event(event["id"])
    appointment.refresh_from_db()
    assert final["summary"] == appointment.title == "Retitled in hubwire"
    assert datetime.fromisoformat(final["start"]["dateTime"]) == appointment.start == datetime(2026, 12, 10, 15, 0,
                                                                                              tzinfo=NY)
    row = ledger.row_for_appointment(appointment)
    assert row.status == SyncStatus.SYNCED and row.version == final["etag"]
    assert not Activity.objects.filter(summary__contains="changed in both").exists()


def test_a_field_changed_on_both_sides_keeps_googles_and_records_hubwires(calendar, workspace):
    appointment, event = booked_and_sent(calendar, workspace)
    calendar.control("edit-event", event_id=event["id"], changes={"summary": "Google's title"})
    appointment_update(appointment=appointment, actor="owner", title="hubwire's title", notes="New agenda")
    run_jobs()
    final = calendar.event(event["id"])
    appointment.refresh_from_db()
    assert final["summary"] == appointment.title == "Google's title"
    assert final["description"] == appointment.notes == "New agenda"  # changed on one side only: it wins
    [line] = Activity.objects.filter(summary__contains="changed in both")
    assert "Google's “Google's title” was kept" in line.summary
    assert "hubwire's “hubwire's title” was not applied" in line.summary


def test_the_same_change_on_both_sides_is_no_conflict(calendar, workspace):
    appointment, event = booked_and_sent(calendar, workspace)
    calendar.control("edit-event", event_id=event["id"], changes={"summary": "Same"})
    appointment_update(appointment=appointment, actor="owner", title="Same")
    run_jobs()
    assert calendar.event(event["id"])["summary"] == "Same"
    assert not Activity.objects.filter(summary__contains="changed in both").exists()


def test_a_change_read_from_google_while_hubwire_waits_to_send_is_merged_too(calendar, workspace):
    appointment, event = booked_and_sent(calendar, workspace)
    calendar.control("edit-event", event_id=event["id"], changes=MOVED)
    appointment_update(appointment=appointment, actor="owner", notes="Bring samples")
    read_calendar(workspace)  # the read comes first this time, then the push
    run_jobs()
    final = calendar.event(event["id"])
    appointment.refresh_from_db()
    assert final["description"] == appointment.notes == "Bring samples"
    assert appointment.start == datetime(2026, 12, 10, 15, 0, tzinfo=NY)


def test_nothing_echoes(calendar, workspace):
    appointment, event = booked_and_sent(calendar, workspace)
    appointment_update(appointment=appointment, actor="owner", title="Once")
    run_jobs()
    writes = len(api_calls(calendar.sandbox, "PATCH")) + len(api_calls(calendar.sandbox, "POST"))
    updated = appointment.__class__.objects.get(pk=appointment.pk).updated_at
    for _ in range(3):
        read_calendar(workspace)
    assert len(api_calls(calendar.sandbox, "PATCH")) + len(api_calls(calendar.sandbox, "POST")) == writes
    assert appointment.__class__.objects.get(pk=appointment.pk).updated_at == updated
    calendar.control("edit-event", event_id=event["id"], changes={"summary": "From Google"})
    read_calendar(workspace)
    run_jobs()
    assert len(api_calls(calendar.sandbox, "PATCH")) == 1  # hubwire's own, before: Google's change is not sent back


def test_a_read_meeting_a_row_being_sent_waits_and_reads_it_again(calendar, workspace):
    from datetime import timedelta

    from django.utils import timezone

    from hubwire.sync.models import SyncCursor, SyncPass, SyncRecord

    appointment, event = booked_and_sent(calendar, workspace)
    calendar.control("edit-event", event_id=event["id"], changes={"summary": "Renamed in Google"})
    row = ledger.row_for_appointment(appointment)
    SyncRecord.objects.filter(pk=row.pk).update(busy_until=timezone.now() + timedelta(minutes=1))  # a push holds it
    position = SyncCursor.objects.get(workspace=workspace, provider="google_calendar").position
    read_calendar(workspace)
    appointment.refresh_from_db()
    assert appointment.title == "Brand review with ACME"
    assert SyncCursor.objects.get(workspace=workspace, provider="google_calendar").position == position
    assert SyncPass.objects.filter(workspace=workspace, name="google_calendar.pull", status="pending").exists()
    SyncRecord.objects.filter(pk=row.pk).update(busy_until=None)
    run_jobs(force=True)
    appointment.refresh_from_db()
    assert appointment.title == "Renamed in Google"
