"""Issue 19's "done when", in a real browser with a real worker: the owner connects Google Calendar
through the sandbox's Google consent page, books an appointment with location Google Meet and sees its
Meet link appear; an event moved in the (sandbox) Google Calendar moves the appointment by itself
(Google's push → the worker's read); Sync Now on the tab reads the calendar and the last sync time
changes without a reload. And a Meet that Google takes a while to make: the card says so, then shows
the link once Google has made it."""

import re

import pytest

from hubwire.crm.models import Appointment
from hubwire.integrations.google_calendar import setup
from hubwire.integrations.models import InboundEvent
from hubwire.jobs.models import JobStatus
from hubwire.sandbox.google_calendar.models import Event
from hubwire.sync.models import SyncRun
from tests.conftest import SANDBOX_DB, book_in_browser, logged_in, sign_in, wait_until
from tests.integrations import oauth_flow
from tests.integrations.google_calendar.conftest import EMAIL
from tests.test_accessibility import axe_script, serious_violations  # noqa: F401  (axe_script: a fixture)

pytestmark = [SANDBOX_DB, pytest.mark.worker]

# A worker beside the browser may take a while to start and to run each step: generous, since a
# waiting test only waits as long as its condition takes.
WORKER_MS = 120_000


def events_of(email: str = EMAIL) -> list[Event]:
    return list(Event.objects.filter(calendar__email=email).order_by("pk"))


def meet_link(event: Event) -> str:
    points = (event.body.get("conferenceData") or {}).get("entryPoints") or []
    return next(p["uri"] for p in points if p.get("entryPointType") == "video")


def settled(workspace) -> SyncRun | None:
    """The last read of the calendar, once no push from Google waits to be handled and no read is
    queued or running (each push queues a read)."""
    pushes = InboundEvent.objects.filter(provider="google_calendar", status__in=[JobStatus.PENDING, JobStatus.RUNNING])
    return None if pushes.exists() or setup.reading(workspace) else setup.last_read(workspace)


def test_connect_book_on_meet_move_in_google_and_sync_now(page, sandbox, celery_worker, owner, workspace,
                                                           axe_script):
    base = sandbox.base_url
    tab = f"{base}/integrations/google_calendar/"
    sign_in(page, base, owner)
    found = serious_violations(page, axe_script, tab)
    explained = " ".join(page.get_by_test_id("gcal-not-connected").inner_text().split())
    assert "only Calendar event access is requested" in explained

    page.get_by_test_id("connect").click()
    page.wait_for_url(re.compile(r".*/sandbox/accounts\.google\.com/o/oauth2/v2/auth\?.*"))
    page.fill("#email", EMAIL)
    page.click("[data-testid=allow]")
    page.wait_for_url(tab)
    assert page.get_by_test_id("card-google_calendar").get_attribute("data-colour") == "green"
    assert page.get_by_test_id("account").inner_text() == EMAIL
    assert page.get_by_test_id("gcal-sync-now").is_visible() and page.get_by_test_id("gcal-choices-form").is_visible()

    # Booked on Google Meet: the worker writes the event with its conference; the meeting card shows the link.
    book_in_browser(page, base, title="Kickoff with ACME", start="2026-12-07T09:30", end="2026-12-07T10:15",
                    time_zone="America/New_York", location_type="google_meet")
    page.evaluate("window.notReloaded = true")
    join = page.get_by_test_id("join-url")
    join.wait_for(timeout=WORKER_MS)
    [event] = events_of()
    assert join.get_attribute("href") == meet_link(event) and meet_link(event).startswith("https://meet.google.com/")
    assert event.body["summary"] == "Kickoff with ACME"
    page.wait_for_selector("[data-testid=gcal-state]:text-is('In Google Calendar')", timeout=WORKER_MS)
    assert page.get_by_test_id("gcal-event").inner_text() == event.event_id
    assert page.evaluate("window.notReloaded") is True  # both cards came by themselves

    # Moved in Google Calendar: Google's push reaches hubwire, the worker reads the change.
    appointment = Appointment.objects.get(workspace=workspace)
    sandbox.control("google_calendar-edit-event", email=EMAIL, event_id=event.event_id, changes={
        "start": {"dateTime": "2026-12-08T14:00:00-05:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2026-12-08T14:45:00-05:00", "timeZone": "America/New_York"}})
    wait_until(lambda: Appointment.objects.get(pk=appointment.pk).start.isoformat() == "2026-12-08T19:00:00+00:00",
               message="the appointment to move with its event")
    page.reload()
    assert "Tue 08 Dec 2026, 14:00 (America/New_York)" in page.locator("main").inner_text()

    # Sync Now: the section says it is reading, and shows the new last sync time when the worker is done.
    before = wait_until(lambda: settled(workspace), message="the reads of the pushes to finish")
    page.goto(tab)
    shown = page.get_by_test_id("gcal-last-read")
    assert shown.get_attribute("data-run") == str(before.pk)
    time_before = page.get_by_test_id("gcal-last-read-time").inner_text()
    page.evaluate("window.notReloaded = true")
    page.get_by_test_id("gcal-sync-now").click()
    page.wait_for_function(
        "old => document.querySelector('[data-testid=gcal-last-read]').dataset.run !== old", arg=str(before.pk),
        timeout=WORKER_MS)
    after = SyncRun.objects.get(pk=page.get_by_test_id("gcal-last-read").get_attribute("data-run"))
    assert after.trigger == "button" and after == setup.last_read(workspace)
    # The new read's time is shown (it may fall in the same second as the one before: the run is what changed).
    time_after = page.get_by_test_id("gcal-last-read-time").inner_text()
    assert after.pk != before.pk and after.finished_at >= before.finished_at
    assert time_after == f"{after.finished_at:%Y-%m-%d %H:%M:%S}" and time_after >= time_before  # the zone is UTC
    assert page.get_by_test_id("gcal-last-read-outcome").inner_text() == "Finished"
    assert page.get_by_test_id("gcal-sync").get_attribute("data-reading") == "0"
    assert page.evaluate("window.notReloaded") is True

    found += serious_violations(page, axe_script, tab)  # connected: Sync, the choices, the panels
    found += serious_violations(page, axe_script, f"{base}/appointments/{appointment.pk}/")
    assert not found, "\n".join(found)


def test_a_meet_google_takes_a_while_to_make_shows_as_being_made_then_its_link(page, sandbox, celery_worker, owner,
                                                                                workspace):
    base = sandbox.base_url
    oauth_flow.connect(logged_in(owner), workspace, "google_calendar", email=EMAIL)
    sandbox.control("google_calendar-conferences-pending", email=EMAIL, pending=True)
    sign_in(page, base, owner)
    book_in_browser(page, base, title="Design review", start="2026-12-09T11:00", end="2026-12-09T12:00",
                    time_zone="Europe/London", location_type="google_meet")
    page.evaluate("window.notReloaded = true")
    page.wait_for_selector("[data-testid=meeting-reason]:text-is('Google is making the Meet link…')", timeout=WORKER_MS)
    assert page.get_by_test_id("join-url").count() == 0
    [event] = wait_until(lambda: events_of(), message="the event to be written")

    sandbox.control("google_calendar-conference-ready", email=EMAIL, event_id=event.event_id)
    join = page.get_by_test_id("join-url")
    join.wait_for(timeout=WORKER_MS)  # the card refreshes itself while the Meet is being made
    assert join.get_attribute("href") == meet_link(Event.objects.get(pk=event.pk))
    assert page.get_by_test_id("meeting-status").inner_text() == "Ready"
    assert page.evaluate("window.notReloaded") is True
    assert len(events_of()) == 1  # the one event carries the appointment and its Meet
