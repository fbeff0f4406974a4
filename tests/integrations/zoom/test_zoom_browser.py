"""Issue 4's "done when", in a real browser with a real worker: connect Zoom through the sandbox
consent page, book an appointment on Zoom and see its join link appear, reschedule and cancel it
and see the sandbox Zoom follow."""

import re

import pytest

from hubwire.crm.models import Appointment
from hubwire.sandbox.models import ZoomMeeting
from tests.conftest import SANDBOX_DB, book_in_browser, sign_in, wait_until

pytestmark = [SANDBOX_DB, pytest.mark.worker]


def test_connect_zoom_then_book_reschedule_and_cancel_an_appointment_on_zoom(page, sandbox, celery_worker, owner,
                                                                             workspace):
    base = sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/zoom/")
    page.click("[data-testid=connect]")
    page.wait_for_url(re.compile(r".*/sandbox/zoom\.us/oauth/authorize\?.*"))
    page.fill("#email", "dana.scully@zoom.example")
    page.click("[data-testid=allow]")
    page.wait_for_url(f"{base}/integrations/zoom/")
    facts = page.get_by_test_id("fact").all_inner_texts()
    assert facts[0] == "dana.scully@zoom.example" and facts[2].startswith("sbxa")  # the Zoom user and account
    assert page.get_by_test_id("card-zoom").get_attribute("data-colour") == "green"

    book_in_browser(page, base, title="Kickoff with ACME", start="2026-12-07T09:30", end="2026-12-07T10:15",
                    time_zone="America/Chicago", location_type="zoom")

    # The card polls while the worker creates the meeting, then shows the join link.
    join = page.get_by_test_id("join-url")
    join.wait_for(timeout=120_000)  # the worker beside it may still be starting
    [meeting] = ZoomMeeting.objects.filter(deleted_at=None)
    assert join.get_attribute("href") == meeting.body["join_url"]
    assert page.get_by_test_id("meeting-status").inner_text() == "Ready"
    assert (meeting.body["topic"], meeting.body["start_time"], meeting.body["duration"], meeting.body["timezone"]) == (
        "Kickoff with ACME", "2026-12-07T15:30:00Z", 45, "America/Chicago")

    page.click("text=Edit")
    page.fill("#id_start", "2026-12-08T11:00")
    page.fill("#id_end", "2026-12-08T12:00")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/appointments/\d+/$"))
    wait_until(lambda: ZoomMeeting.objects.get(pk=meeting.pk).body["start_time"] == "2026-12-08T17:00:00Z",
               message="the Zoom meeting to move")
    assert ZoomMeeting.objects.get(pk=meeting.pk).body["duration"] == 60

    page.click("text=Cancel appointment")
    page.get_by_test_id("confirm-yes").click()
    wait_until(lambda: ZoomMeeting.objects.get(pk=meeting.pk).deleted_at is not None, message="the meeting deleted")
    assert Appointment.objects.get().status == "cancelled"

    page.goto(f"{base}/sandbox/")
    assert page.get_by_test_id("zoom-meeting").count() == 0
