"""An appointment's location text ↔ its Google event's `location`, both ways, over HTTP against the
sandbox: booked, edited on either side, edited on both (Google's kept, hubwire's recorded), and a row
synced before the location was a synced field."""

import json

import httpx
import pytest

from hubwire.crm.models import Activity, Appointment
from hubwire.crm.services.scheduling import appointment_update
from hubwire.integrations.google_calendar import ledger
from hubwire.sync.ledger import record_save
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import api_calls, book, quiet_google, read_calendar
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB
STUDIO = "Studio 4, 12 Harbour St"


@pytest.fixture
def patches(monkeypatch):
    """The body of every PATCH hubwire's Google Calendar client sends."""
    bodies, original = [], httpx.Client.send

    def record(self, request, *args, **kwargs):
        if request.method == "PATCH" and "/calendar/v3/" in str(request.url):
            bodies.append(json.loads(request.content))
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", record)
    return bodies


def sent(calendar, workspace, **extra):
    appointment = book(workspace, **extra)
    run_jobs()
    [event] = calendar.events()
    quiet_google()
    return appointment, event


def test_a_booked_appointments_location_is_its_events(calendar, workspace):
    _, event = sent(calendar, workspace, location=STUDIO)
    assert event["location"] == STUDIO


def test_a_location_changed_in_hubwire_is_patched_alone_and_cleared_too(calendar, workspace, patches):
    appointment, event = sent(calendar, workspace, location=STUDIO)
    appointment_update(appointment=appointment, actor="owner", location="Room 2, 3rd floor")
    run_jobs()
    assert calendar.event(event["id"])["location"] == "Room 2, 3rd floor"
    assert patches == [{"location": "Room 2, 3rd floor"}]  # only what changed is sent
    appointment_update(appointment=appointment, actor="owner", location="")
    run_jobs()
    assert calendar.event(event["id"]).get("location", "") == ""


def test_a_location_changed_in_google_reaches_the_appointment(calendar, workspace):
    appointment, event = sent(calendar, workspace, location=STUDIO)
    calendar.control("edit-event", event_id=event["id"], changes={"location": "Café Lumen, Pier 9"})
    read_calendar(workspace)
    appointment.refresh_from_db()
    assert appointment.location == "Café Lumen, Pier 9"
    assert api_calls(calendar.sandbox, "PATCH") == []  # nothing echoes back


def test_a_location_changed_on_both_sides_keeps_googles_and_records_hubwires(calendar, workspace):
    appointment, event = sent(calendar, workspace, location=STUDIO)
    calendar.control("edit-event", event_id=event["id"], changes={"location": "Google's room"})
    appointment_update(appointment=appointment, actor="owner", location="hubwire's room")
    run_jobs()
    appointment.refresh_from_db()
    assert calendar.event(event["id"])["location"] == appointment.location == "Google's room"
    [line] = Activity.objects.filter(summary__contains="changed in both")
    assert "the location was changed" in line.summary
    assert "hubwire's “hubwire's room” was not applied" in line.summary


def test_an_event_made_in_google_brings_its_location(calendar, workspace):
    calendar.control("create-event", event={
        "summary": "Site visit", "location": "14 Quay Road", "start": {"dateTime": "2026-12-12T09:00:00Z"},
        "end": {"dateTime": "2026-12-12T10:00:00Z"}})
    run_jobs()
    assert Appointment.objects.get(workspace=workspace, title="Site visit").location == "14 Quay Road"


def forget_location(row) -> None:
    """The row as a release that did not sync locations left it: no "location" in its snapshot."""
    row.refresh_from_db()
    record_save(row, synced={k: v for k, v in row.synced.items() if k != "location"})


def test_a_row_synced_before_locations_were_sends_the_appointments_without_a_conflict(calendar, workspace):
    appointment, event = sent(calendar, workspace)
    row = ledger.row_for_appointment(appointment)
    forget_location(row)
    Appointment.objects.filter(pk=appointment.pk).update(location=STUDIO)  # set while locations were not sent
    appointment.refresh_from_db()
    appointment_update(appointment=appointment, actor="owner", title="Brand review, round 2")
    run_jobs()
    final = calendar.event(event["id"])
    assert final["location"] == STUDIO and final["summary"] == "Brand review, round 2"
    assert not Activity.objects.filter(summary__contains="changed in both").exists()


def test_a_row_synced_before_locations_were_takes_the_events_without_a_conflict(calendar, workspace):
    appointment, event = sent(calendar, workspace)
    forget_location(ledger.row_for_appointment(appointment))
    calendar.control("edit-event", event_id=event["id"], changes={"location": "14 Quay Road"})
    read_calendar(workspace)
    appointment.refresh_from_db()
    assert appointment.location == "14 Quay Road"
    assert not Activity.objects.filter(summary__contains="changed in both").exists()
