"""The sandbox page's Google Calendar card in a real browser: a person adds an event to a Google
user's calendar and moves it, as they would in Google Calendar, and a client of the Calendar API
(hubwire, a watch channel) sees both."""

from playwright.sync_api import expect

from tests.conftest import SANDBOX_DB
from tests.sandbox.google_calendar.conftest import EMAIL
from tests.sandbox.google_calendar.test_page import monday  # noqa: F401  (autouse: the clock at 3 March 2031)
from tests.sandbox.google_calendar.test_watch import receiver, watch  # noqa: F401  (receiver is a fixture)

pytestmark = SANDBOX_DB


def test_a_person_adds_an_event_and_moves_it_on_the_card(page, sandbox, gcal, receiver):  # noqa: F811
    assert watch(gcal, receiver).status_code == 200  # Dana's calendar exists from this first request
    page.goto(f"{sandbox.base_url}/sandbox/")
    calendar = page.locator(f'[data-testid="gcal-calendar"][data-email="{EMAIL}"]')
    expect(calendar.get_by_test_id("gcal-window")).to_have_text("Mon 3 Mar – Sun 16 Mar 2031")

    add = calendar.get_by_test_id("gcal-add-form")
    add.get_by_label("Title", exact=True).fill("Site visit")
    add.get_by_label("Start", exact=True).fill("2031-03-04T10:00")
    add.get_by_label("End", exact=True).fill("2031-03-04T11:30")
    add.get_by_label("Time zone", exact=True).fill("Europe/Paris")
    add.get_by_label("Guest email", exact=True).fill("pat@example.com")
    add.get_by_test_id("gcal-add").click()

    event = calendar.get_by_test_id("gcal-event").filter(has_text="Site visit")
    expect(event.get_by_test_id("gcal-event-when")).to_have_text("09:00–10:30 (10:00 Europe/Paris)")
    [added] = gcal.get("/events").json()["items"]
    assert added["start"] == {"dateTime": "2031-03-04T10:00:00+01:00", "timeZone": "Europe/Paris"}
    assert added["attendees"] == [{"email": "pat@example.com"}]

    event.get_by_text("Move or edit").click()
    event.locator("input[name=start]").fill("2031-03-06T15:00")
    event.locator("input[name=end]").fill("2031-03-06T16:00")
    event.get_by_test_id("gcal-move").click()

    expect(event.get_by_test_id("gcal-event-when")).to_have_text("14:00–15:00 (15:00 Europe/Paris)")
    expect(event).to_contain_text("Thu 6 Mar 2031")
    moved = gcal.get(f"/events/{added['id']}").json()
    assert moved["start"] == {"dateTime": "2031-03-06T15:00:00+01:00", "timeZone": "Europe/Paris"}
    assert moved["sequence"] == 1
    states = [r["headers"]["X-Goog-Resource-State"] for r in receiver.received]
    assert states == ["sync", "exists", "exists"]  # a push for the add and one for the move
