"""An appointment's meeting card in a real browser when the appointment is cancelled: Cancel asks
first, saying the Zoom meeting will be deleted; then the card says the meeting is being deleted (no
join link) straight away, and goes once the worker has deleted it, without a reload."""

from hubwire.crm.models import Appointment, AppointmentStatus
from tests.conftest import SANDBOX_DB, logged_in, sign_in
from tests.integrations import oauth_flow
from tests.integrations.meetings import book, live_meetings, run_jobs

pytestmark = SANDBOX_DB


def test_cancel_asks_first_then_the_card_shows_the_meeting_being_deleted_and_then_gone(page, sandbox, owner,
                                                                                       workspace):
    oauth_flow.connect(logged_in(owner), workspace)
    appointment = book(workspace)
    run_jobs()
    sign_in(page, sandbox.base_url, owner)
    page.goto(f"{sandbox.base_url}/appointments/{appointment.pk}/")
    page.evaluate("window.notReloaded = true")
    assert page.get_by_test_id("meeting-status").inner_text() == "Ready"

    page.click("text=Cancel appointment")
    assert page.get_by_test_id("confirm").inner_text().startswith(
        "Cancel this appointment? Its Zoom meeting will be deleted. This cannot be undone.")
    page.get_by_test_id("confirm-no").click()
    page.get_by_test_id("confirm").wait_for(state="detached")
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.SCHEDULED

    page.click("text=Cancel appointment")
    page.get_by_test_id("confirm-yes").click()
    page.wait_for_selector("[data-testid=status]:has-text('Cancelled')")
    assert page.get_by_test_id("meeting-status").inner_text() == "Deleting"
    assert page.get_by_test_id("meeting-reason").inner_text() == "Deleting the Zoom meeting…"
    assert page.get_by_test_id("join-url").count() == 0

    page.evaluate("window.notReloaded = true")  # the Cancel itself loaded the page; from here on, no reload
    run_jobs()  # the worker: the cancellation's handler, then the meeting's deletion at Zoom
    assert live_meetings() == []
    page.get_by_test_id("meeting").wait_for(state="detached", timeout=30000)
    assert page.evaluate("window.notReloaded") is True
