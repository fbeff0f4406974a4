"""Time (issue 19, item 5): all-day events, another time zone, a DST change, and a recurring series
with an exception, both ways."""

from datetime import datetime
from zoneinfo import ZoneInfo

from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.crm.services.scheduling import appointment_book, appointment_update
from hubwire.integrations.google_calendar import ledger
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import book
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB
NY, UTC, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("UTC"), ZoneInfo("Asia/Tokyo")


def test_an_all_day_event_becomes_an_all_day_appointment_and_back(calendar, workspace):
    calendar.control("create-event", event={"summary": "Studio closed", "start": {"date": "2026-12-24"},
                                            "end": {"date": "2026-12-26"}})
    run_jobs()
    appointment = Appointment.objects.get(workspace=workspace, title="Studio closed")
    zone = ZoneInfo(workspace.time_zone)
    assert appointment.all_day
    assert appointment.start == datetime(2026, 12, 24, tzinfo=zone) and appointment.end == datetime(2026, 12, 26,
                                                                                                    tzinfo=zone)
    appointment_update(appointment=appointment, actor="owner", title="Studio closed for the holidays")
    run_jobs()
    [event] = calendar.events()
    assert event["summary"] == "Studio closed for the holidays"
    assert event["start"] == {"date": "2026-12-24"} and event["end"] == {"date": "2026-12-26"}


def test_an_all_day_appointment_booked_in_hubwire_is_an_all_day_event(calendar, workspace):
    zone = ZoneInfo(workspace.time_zone)
    appointment_book(workspace=workspace, actor="owner", title="Offsite", all_day=True,
                     start=datetime(2027, 1, 6, tzinfo=zone), end=datetime(2027, 1, 7, tzinfo=zone))
    run_jobs()
    [event] = calendar.events()
    assert event["start"] == {"date": "2027-01-06"} and event["end"] == {"date": "2027-01-07"}


def test_an_event_in_another_time_zone_keeps_its_moment_and_zone(calendar, workspace):
    calendar.control("create-event", event={
        "summary": "Call with Tokyo", "start": {"dateTime": "2026-12-16T09:00:00+09:00", "timeZone": "Asia/Tokyo"},
        "end": {"dateTime": "2026-12-16T10:00:00+09:00", "timeZone": "Asia/Tokyo"}})
    run_jobs()
    appointment = Appointment.objects.get(workspace=workspace, title="Call with Tokyo")
    assert appointment.start == datetime(2026, 12, 16, 9, 0, tzinfo=TOKYO) and appointment.time_zone == "Asia/Tokyo"
    # The same moment written with another offset by Google is no change, and sends nothing back.
    [event] = calendar.events()
    calendar.control("edit-event", event_id=event["id"], changes={
        "start": {"dateTime": "2026-12-16T00:00:00Z", "timeZone": "Asia/Tokyo"},
        "end": {"dateTime": "2026-12-16T01:00:00Z", "timeZone": "Asia/Tokyo"}})
    run_jobs()
    appointment.refresh_from_db()
    assert appointment.start == datetime(2026, 12, 16, 9, 0, tzinfo=TOKYO)


def test_an_appointment_in_another_zone_is_sent_in_its_zone(calendar, workspace):
    book(workspace, start=datetime(2026, 12, 17, 9, 0), time_zone="Asia/Tokyo")
    run_jobs()
    [event] = calendar.events()
    assert event["start"]["timeZone"] == "Asia/Tokyo"
    assert datetime.fromisoformat(event["start"]["dateTime"]) == datetime(2026, 12, 17, 9, 0, tzinfo=TOKYO)


WEEKLY = {"summary": "Weekly sync", "start": {"dateTime": "2027-03-01T10:00:00-05:00", "timeZone": "America/New_York"},
          "end": {"dateTime": "2027-03-01T10:30:00-05:00", "timeZone": "America/New_York"},
          "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"]}


def weekly(workspace):
    return list(Appointment.objects.filter(workspace=workspace, title__startswith="Weekly").order_by("start"))


def test_a_recurring_series_shows_each_occurrence_at_its_wall_clock_time_across_dst(calendar, workspace):
    calendar.control("create-event", event=WEEKLY)
    run_jobs()
    starts = [a.start.astimezone(NY) for a in weekly(workspace)]
    # 1 and 8 March are EST, 15 and 22 March EDT (DST began on 14 March 2027): always 10:00 in New York.
    assert [(s.day, s.hour) for s in starts] == [(1, 10), (8, 10), (15, 10), (22, 10)]
    assert [a.start.astimezone(UTC).hour for a in weekly(workspace)] == [15, 15, 14, 14]
    run_jobs()
    assert len(calendar.events()) == 1  # never written back as separate events


def test_an_exception_edited_in_google_changes_only_that_occurrence(calendar, workspace):
    series = calendar.control("create-event", event=WEEKLY)
    run_jobs()
    calendar.control("edit-event", event_id=f"{series['id']}_20270308T150000Z", changes={
        "summary": "Weekly sync (moved)",
        "start": {"dateTime": "2027-03-08T13:00:00-05:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2027-03-08T13:30:00-05:00", "timeZone": "America/New_York"}})
    calendar.control("delete-event", event_id=f"{series['id']}_20270322T140000Z")
    run_jobs()
    occurrences = weekly(workspace)
    assert [(a.title, a.start.astimezone(NY).hour, a.status) for a in occurrences] == [
        ("Weekly sync", 10, AppointmentStatus.SCHEDULED), ("Weekly sync (moved)", 13, AppointmentStatus.SCHEDULED),
        ("Weekly sync", 10, AppointmentStatus.SCHEDULED), ("Weekly sync", 10, AppointmentStatus.CANCELLED)]
    # The series changing later leaves the exception as Google keeps it.
    calendar.control("edit-event", event_id=series["id"], changes={"summary": "Weekly sync v2"})
    run_jobs()
    titles = [a.title for a in weekly(workspace)]
    assert titles == ["Weekly sync v2", "Weekly sync (moved)", "Weekly sync v2", "Weekly sync"]


def test_an_occurrence_changed_in_hubwire_becomes_an_exception_not_a_new_event(calendar, workspace):
    calendar.control("create-event", event=WEEKLY)
    run_jobs()
    second = weekly(workspace)[1]
    appointment_update(appointment=second, actor="owner", notes="Bring the Q1 numbers")
    run_jobs()
    stored = calendar.events()
    assert len(stored) == 2  # the series and one exception
    exception = next(e for e in stored if e.get("recurringEventId"))
    assert exception["description"] == "Bring the Q1 numbers"
    assert ledger.row_for_appointment(second).synced["exception"] is True
    assert len(weekly(workspace)) == 4
