"""An appointment on Zoom, with Zoom and Google Calendar both connected: its Google event's
location is the Zoom meeting's join link once the meeting is ready, so that the invitees can join
from their calendar; the appointment's own location text stands before it; leaving Zoom takes the
link off the event. Over HTTP against the sandbox's Zoom and Google Calendar."""

import pytest

from hubwire.crm.services.scheduling import appointment_update
from hubwire.integrations.google_calendar import ledger
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow
from tests.integrations.google_calendar.conftest import api_calls, book, quiet_google, read_calendar
from tests.integrations.meetings import link_of, run_jobs

pytestmark = SANDBOX_DB


@pytest.fixture
def zoom(calendar, owner_client, workspace):
    return oauth_flow.connect(owner_client, workspace)


def test_the_events_location_is_the_zoom_join_link_once_the_meeting_is_ready(calendar, zoom, workspace):
    appointment = book(workspace, location_type="zoom")
    run_jobs()
    link = link_of(appointment)
    assert "/zoom.us/j/" in link.join_url
    [event] = calendar.events()
    assert event["location"] == link.join_url
    assert "conferenceData" not in event  # a Meet is asked for only on Google Meet

    quiet_google()
    read_calendar(workspace)  # reading the event back changes nothing: the link is not the appointment's text
    appointment.refresh_from_db()
    assert appointment.location == ""
    assert ledger.row_for_appointment(appointment).synced["location"] == link.join_url


def test_the_appointments_own_location_text_stands_before_the_link(calendar, zoom, workspace):
    book(workspace, location_type="zoom", location="Dial-in +1 555 0100, code 4411")
    run_jobs()
    [event] = calendar.events()
    assert event["location"] == "Dial-in +1 555 0100, code 4411"


def test_leaving_zoom_takes_the_link_off_the_event(calendar, zoom, workspace):
    appointment = book(workspace, location_type="zoom")
    run_jobs()
    [event] = calendar.events()
    assert event["location"]
    appointment_update(appointment=appointment, actor="owner", location_type="in_person")
    run_jobs()
    assert calendar.event(event["id"]).get("location", "") == ""
    assert link_of(appointment) is None


def test_a_location_typed_in_google_becomes_the_appointments_text(calendar, zoom, workspace):
    appointment = book(workspace, location_type="zoom")
    run_jobs()
    [event] = calendar.events()
    quiet_google()
    patched = len(api_calls(calendar.sandbox, "PATCH"))
    calendar.control("edit-event", event_id=event["id"], changes={"location": "Meeting room B, then Zoom"})
    read_calendar(workspace)
    appointment.refresh_from_db()
    assert appointment.location == "Meeting room B, then Zoom"
    run_jobs()
    assert calendar.event(event["id"])["location"] == "Meeting room B, then Zoom"
    assert len(api_calls(calendar.sandbox, "PATCH")) == patched  # the link is not put back over it
