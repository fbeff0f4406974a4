"""Appointments and the connected Google Calendar, both ways, over HTTP against the sandbox."""

from datetime import datetime
from zoneinfo import ZoneInfo

from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.crm.services.scheduling import appointment_cancel, appointment_update
from hubwire.integrations.google_calendar import ledger
from hubwire.sync.models import SyncStatus
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import book
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB
NY = ZoneInfo("America/New_York")


def test_connecting_watches_the_calendar_and_names_it(calendar):
    config = calendar.config
    assert config.calendar_email == calendar.email
    assert config.channel_id and config.channel_resource_id and config.channel_expires_at
    assert calendar.refresh().account_name == calendar.email


def test_a_booked_appointment_becomes_one_event_with_its_hubwire_id(calendar, workspace):
    appointment = book(workspace)
    run_jobs()
    [event] = calendar.events()
    assert event["summary"] == "Brand review with ACME"
    assert datetime.fromisoformat(event["start"]["dateTime"]) == datetime(2026, 12, 10, 10, 0, tzinfo=NY)
    assert event["start"]["timeZone"] == "America/New_York"
    row = ledger.row_for_appointment(appointment)
    assert row.external_id == event["id"] and row.status == SyncStatus.SYNCED
    assert event["extendedProperties"]["private"]["hubwire_id"] == ledger.hubwire_id(appointment.pk, row.marker)


def test_moving_and_retitling_patches_only_what_changed(calendar, workspace):
    appointment = book(workspace)
    run_jobs()
    appointment_update(appointment=appointment, actor="owner", start=datetime(2026, 12, 11, 9, 0, tzinfo=NY),
                       end=datetime(2026, 12, 11, 10, 0, tzinfo=NY), title="Moved review")
    run_jobs()
    [event] = calendar.events()
    assert event["summary"] == "Moved review"
    assert datetime.fromisoformat(event["start"]["dateTime"]) == datetime(2026, 12, 11, 9, 0, tzinfo=NY)
    patches = [c for c in calendar.sandbox.calls("www.googleapis.com") if c.method == "PATCH"]
    assert len(patches) == 1


def test_cancelling_deletes_the_event(calendar, workspace):
    appointment = book(workspace)
    run_jobs()
    appointment_cancel(appointment=appointment, actor="owner")
    run_jobs()
    assert calendar.events() == []
    assert calendar.events(with_cancelled=True)[0]["status"] == "cancelled"


def test_a_change_in_google_reaches_the_appointment_by_push(calendar, workspace):
    appointment = book(workspace)
    run_jobs()
    [event] = calendar.events()
    calendar.control("edit-event", event_id=event["id"], changes={
        "summary": "Renamed in Google",
        "start": {"dateTime": "2026-12-10T14:00:00-05:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2026-12-10T15:00:00-05:00", "timeZone": "America/New_York"}})
    run_jobs()  # the push was stored as an inbound event; it queued the read
    appointment.refresh_from_db()
    assert appointment.title == "Renamed in Google"
    assert appointment.start == datetime(2026, 12, 10, 14, 0, tzinfo=NY)
    assert len([c for c in calendar.sandbox.calls("www.googleapis.com") if c.method == "PATCH"]) == 0  # no echo back


def test_deleted_in_google_cancels_the_appointment(calendar, workspace):
    appointment = book(workspace)
    run_jobs()
    [event] = calendar.events()
    calendar.control("delete-event", event_id=event["id"])
    run_jobs()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_an_event_made_in_google_becomes_an_appointment_marked_as_from_google(calendar, workspace):
    calendar.control("create-event", event={
        "summary": "Coffee with Pat", "start": {"dateTime": "2026-12-12T09:00:00Z"},
        "end": {"dateTime": "2026-12-12T09:30:00Z"}})
    run_jobs()
    appointment = Appointment.objects.get(workspace=workspace, title="Coffee with Pat")
    assert appointment.start == datetime(2026, 12, 12, 9, 0, tzinfo=ZoneInfo("UTC"))
    row = ledger.row_for_appointment(appointment)
    assert row.matched_by == "provider"
    run_jobs()
    assert len(calendar.events()) == 1  # never sent back as a second event
