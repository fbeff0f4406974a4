"""Google Meet (issue 19, item 6): the appointment's one event carries its Meet; pending, then ready;
taken off the event when the appointment leaves Meet, and a new one made if it comes back."""

from django.urls import reverse

from hubwire.crm.models import MeetingLink, MeetingLinkStatus
from hubwire.crm.services.scheduling import appointment_update
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import api_calls, book, quiet_google
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB


def test_google_meet_makes_one_event_with_a_meet_link(calendar, workspace, owner_client):
    appointment = book(workspace, location_type="google_meet")
    run_jobs()
    [event] = calendar.events()
    request = event["conferenceData"]["createRequest"]
    assert request["conferenceSolutionKey"]["type"] == "hangoutsMeet" and request["requestId"]
    link = MeetingLink.objects.get(appointment=appointment)
    assert link.status == MeetingLinkStatus.READY and link.provider == "google_calendar"
    assert link.join_url.startswith("https://meet.google.com/")
    page = owner_client.get(reverse("crm:detail", args=["appointments", appointment.pk])).content.decode()
    assert "Google Meet" in page and link.join_url in page


def test_a_pending_conference_shows_pending_then_the_link(calendar, workspace):
    calendar.control("conferences-pending", pending=True)
    appointment = book(workspace, location_type="google_meet")
    run_jobs()
    link = MeetingLink.objects.get(appointment=appointment)
    assert link.status == MeetingLinkStatus.PENDING and "making the Meet link" in link.reason
    [event] = calendar.events()
    calendar.control("conference-ready", event_id=event["id"])  # Google finishes it: a push follows
    run_jobs()
    link.refresh_from_db()
    assert link.status == MeetingLinkStatus.READY and link.join_url.startswith("https://meet.google.com/")
    assert len(calendar.events()) == 1


def test_moving_a_meet_appointment_keeps_its_conference(calendar, workspace):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    appointment = book(workspace, location_type="google_meet")
    run_jobs()
    join_url = MeetingLink.objects.get(appointment=appointment).join_url
    appointment_update(appointment=appointment, actor="owner", start=datetime(2026, 12, 10, 12, 0, tzinfo=ZoneInfo(
        "America/New_York")), end=datetime(2026, 12, 10, 13, 0, tzinfo=ZoneInfo("America/New_York")))
    run_jobs()
    [event] = calendar.events()
    assert MeetingLink.objects.get(appointment=appointment).join_url == join_url
    patch = [c for c in api_calls(calendar.sandbox, "PATCH")]
    assert len(patch) == 1


def test_leaving_meet_takes_the_conference_off_the_event_and_coming_back_makes_a_new_one(calendar, workspace,
                                                                                        owner_client):
    appointment = book(workspace, location_type="google_meet")
    run_jobs()
    [event] = calendar.events()
    first = MeetingLink.objects.get(appointment=appointment).join_url
    assert event["hangoutLink"] == first

    appointment_update(appointment=appointment, actor="owner", location_type="in_person", location="Studio 4")
    run_jobs()
    [event] = calendar.events()
    assert "conferenceData" not in event and "hangoutLink" not in event, "the invitees' event has no Meet link left"
    assert not MeetingLink.objects.filter(appointment=appointment).exists()
    page = owner_client.get(reverse("crm:detail", args=["appointments", appointment.pk])).content.decode()
    assert first not in page

    appointment_update(appointment=appointment, actor="owner", location_type="google_meet", location="")
    run_jobs()
    [event] = calendar.events()
    again = MeetingLink.objects.get(appointment=appointment)
    assert again.status == MeetingLinkStatus.READY and again.join_url == event["hangoutLink"] != first


def test_leaving_meet_while_google_changed_the_event_still_takes_the_conference_off(calendar, workspace):
    appointment = book(workspace, location_type="google_meet")
    run_jobs()
    [event] = calendar.events()
    quiet_google()
    calendar.control("edit-event", event_id=event["id"], changes={"summary": "Renamed in Google"})
    appointment_update(appointment=appointment, actor="owner", location_type="in_person", location="Studio 4")
    run_jobs()
    assert [c.status for c in api_calls(calendar.sandbox, "PATCH")] == [412, 200]  # refused once, merged, sent
    final = calendar.event(event["id"])
    assert "conferenceData" not in final and "hangoutLink" not in final
    assert final["summary"] == "Renamed in Google"


def test_without_google_calendar_meet_says_to_connect_it(sandbox, workspace, owner_client):
    appointment = book(workspace, location_type="google_meet")
    run_jobs()
    link = MeetingLink.objects.get(appointment=appointment)
    assert link.status == MeetingLinkStatus.PENDING
    assert link.reason.startswith("Connect Google Calendar to use Google Meet")
    page = owner_client.get(reverse("crm:detail", args=["appointments", appointment.pk])).content.decode()
    assert "Connect Google Calendar to use Google Meet" in page
