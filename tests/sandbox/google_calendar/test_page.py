"""The sandbox page's Google Calendar card: each Google user's calendar fourteen days at a time (a
series as its occurrences, all-day events, Meet links and pending ones, deleted events hidden), and
its forms, posted as a browser posts them, doing what a person does in Google Calendar: each one's
result is read back through the Calendar API, and the calendar's watch channel is pushed as after an
API write. A refused form is a 400 page naming the field, and writes nothing."""

import re
from datetime import datetime, timezone
from html import unescape

import pytest
from django.test import Client

from hubwire.sandbox import clock
from hubwire.sandbox.google_calendar.models import Calendar, Event
from tests.conftest import SANDBOX_DB, wait_until
from tests.sandbox.google_calendar.conftest import EMAIL, MEETING, assert_google_error, google_token
from tests.sandbox.google_calendar.schema import validate
from tests.sandbox.google_calendar.test_watch import receiver, watch  # noqa: F401  (receiver is a fixture)

pytestmark = SANDBOX_DB

MONDAY = datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)  # the page's "today"; it shows 3 to 16 March


@pytest.fixture(autouse=True)
def monday(sandbox):
    """The sandbox clock stands at 09:00 UTC on Monday 3 March 2031, before any token is handed out."""
    sandbox.control("clock-freeze", frozen=True)
    sandbox.control("clock", seconds=(MONDAY - clock.now()).total_seconds())


@pytest.fixture
def browser(sandbox):
    return Client()


@pytest.fixture
def calendar(gcal) -> Calendar:
    """Dana's calendar, made as Google makes it: on her first Calendar API request."""
    assert gcal.get("/events").status_code == 200
    return Calendar.objects.get(email=EMAIL)


@pytest.fixture
def pushes(gcal, receiver):  # noqa: F811  (the fixture imported above)
    """Dana's calendar has a live watch channel; the pushes it got after its first (sync) message."""
    assert watch(gcal, receiver).status_code == 200
    wait_until(lambda: len(receiver.received) == 1, message="the sync message")
    return lambda: [r["headers"]["X-Goog-Resource-State"] for r in receiver.received[1:]]


def form(browser, action: str, **fields):
    return browser.post(f"/sandbox/_google_calendar/{action}/", fields)


def section(html: str, email: str = EMAIL) -> str:
    found = re.search(rf'<section id="gcal-\d+" data-testid="gcal-calendar" data-email="{re.escape(email)}">'
                      r"(.*?)</section>", html, re.S)
    assert found, f"no calendar section for {email}"
    return found.group(1)


def rows(html: str, email: str = EMAIL) -> dict[str, str]:
    """Each event row of a calendar's section: its event id -> its text, tags removed."""
    found = re.findall(r'<tr data-testid="gcal-event" data-event-id="([^"]+)">(.*?)</tr>', section(html, email), re.S)
    return {event_id: " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for event_id, row in found}


def card(browser, page: int | str | None = None, calendar: Calendar | None = None) -> str:
    query = f"?gcal-{calendar.pk}={page}" if page is not None else ""
    response = browser.get(f"/sandbox/{query}")
    assert response.status_code == 200
    return response.content.decode()


def timed(summary: str, start: str, end: str, zone: str = "UTC", **extra) -> dict:
    return {"summary": summary, "start": {"dateTime": start, "timeZone": zone},
            "end": {"dateTime": end, "timeZone": zone}, **extra}


def meet_request(request_id: str) -> dict:
    return {"createRequest": {"requestId": request_id, "conferenceSolutionKey": {"type": "hangoutsMeet"}}}


def test_without_a_google_user_the_card_says_how_to_get_one(browser):
    html = card(browser)
    assert 'data-testid="sandbox-google-calendar"' in html and 'data-testid="gcal-calendar"' not in html
    assert "No Google user has a calendar yet" in html


def test_the_card_shows_each_personas_fourteen_days(browser, gcal, sandbox, calendar):
    gcal.post("/events", json=timed("Shanghai call", "2031-03-04T10:00:00+08:00", "2031-03-04T11:00:00+08:00",
                                    "Asia/Shanghai"))
    gcal.post("/events", json={"summary": "Offsite", "start": {"date": "2031-03-05"}, "end": {"date": "2031-03-07"}})
    series = gcal.post("/events", json=timed("Weekly review", "2031-03-06T15:00:00Z", "2031-03-06T15:30:00Z",
                                             recurrence=["RRULE:FREQ=WEEKLY;COUNT=4"])).json()
    gone = gcal.post("/events", json=timed("Cancelled lunch", "2031-03-07T12:00:00Z", "2031-03-07T13:00:00Z")).json()
    gcal.delete(f"/events/{gone['id']}")
    gcal.post("/events", json=timed("Later talk", "2031-03-21T09:00:00Z", "2031-03-21T10:00:00Z"))
    gcal.post("/events", json=timed("Earlier talk", "2031-02-28T09:00:00Z", "2031-02-28T10:00:00Z"))
    ready = gcal.post("/events", params={"conferenceDataVersion": 1}, json=timed(
        "Meet now", "2031-03-10T09:00:00Z", "2031-03-10T10:00:00Z", conferenceData=meet_request("r-1"))).json()
    sandbox.control("google_calendar-conferences-pending", email=EMAIL, pending=True)
    pending = gcal.post("/events", params={"conferenceDataVersion": 1}, json=timed(
        "Meet later", "2031-03-11T09:00:00Z", "2031-03-11T10:00:00Z", conferenceData=meet_request("r-2"))).json()
    google_token("ya29-lee", email="lee@gmail.example")
    lee = sandbox.control("google_calendar-create-event", email="lee@gmail.example",
                          event=timed("Lee's dentist", "2031-03-12T14:00:00Z", "2031-03-12T15:00:00Z"))
    Calendar.objects.filter(email="lee@gmail.example").update(time_zone="America/New_York")

    html = card(browser)
    assert 'data-testid="sandbox-google-calendar"' in html
    shown = rows(html)
    assert len(shown) == 6
    assert gone["id"] not in shown and not any("talk" in text for text in shown.values())
    texts = list(shown.values())  # in start order
    assert "Tue 4 Mar 2031 02:00–03:00 (10:00 Asia/Shanghai) Shanghai call" in texts[0]
    assert "Wed 5 Mar 2031 All day, to Thu 6 Mar Offsite" in texts[1]
    assert texts[2].startswith("Thu 6 Mar 2031 15:00–15:30 Weekly review repeats")
    assert shown[f"{series['id']}_20310313T150000Z"].startswith("Thu 13 Mar 2031 15:00–15:30 Weekly review repeats")
    assert ready["hangoutLink"] in shown[ready["id"]] and "Meet link pending" not in shown[ready["id"]]
    assert "Meet link pending" in shown[pending["id"]]
    assert 'data-testid="gcal-conference-ready"' in section(html).split(pending["id"], 1)[1].split("</tr>")[0]
    assert "Mon 3 Mar – Sun 16 Mar 2031" in section(html)

    # Lee's calendar keeps its own time zone (New York, on daylight time from 9 March): the times in it
    # (the event's own zone beside them), the add form's default zone.
    assert {k: v.split(" Move or edit")[0] for k, v in rows(html, "lee@gmail.example").items()} == {
        lee["id"]: "Wed 12 Mar 2031 10:00–11:00 (14:00 UTC) Lee's dentist"}
    assert 'name="time_zone" value="America/New_York"' in section(html, "lee@gmail.example")

    later = rows(card(browser, 1, calendar))
    assert [text.split(" Move or edit")[0] for text in later.values()] == [
        "Thu 20 Mar 2031 15:00–15:30 Weekly review repeats", "Fri 21 Mar 2031 09:00–10:00 Later talk",
        "Thu 27 Mar 2031 15:00–15:30 Weekly review repeats"]
    earlier = rows(card(browser, -1, calendar))
    assert [text.split(" Move or edit")[0] for text in earlier.values()] == ["Fri 28 Feb 2031 09:00–10:00 Earlier talk"]
    assert len(rows(card(browser, "junk", calendar))) == 6  # a page that is not a number: from today
    assert rows(card(browser, 10**30, calendar)) == {}  # a page too far away: the farthest one


def test_adding_an_event_writes_it_as_google_does_and_pushes_the_channels(browser, gcal, calendar, pushes):
    answer = form(browser, "add", calendar=calendar.pk, page=0, title="Site visit", start="2031-03-04T10:00",
                  end="2031-03-04T11:30", time_zone="Asia/Shanghai", attendee="pat@example.com")
    assert answer.status_code == 302 and answer["Location"] == f"/sandbox/?gcal-{calendar.pk}=0#gcal-{calendar.pk}"
    [added] = gcal.get("/events").json()["items"]
    validate(added, "Event")
    assert added["summary"] == "Site visit" and added["attendees"] == [{"email": "pat@example.com"}]
    assert added["start"] == {"dateTime": "2031-03-04T10:00:00+08:00", "timeZone": "Asia/Shanghai"}
    assert added["end"] == {"dateTime": "2031-03-04T11:30:00+08:00", "timeZone": "Asia/Shanghai"}
    wait_until(lambda: pushes() == ["exists"], message="the push for the added event")
    assert "Site visit" in rows(card(browser))[added["id"]]


def test_the_time_zone_defaults_to_the_calendars(browser, gcal, calendar):
    Calendar.objects.filter(pk=calendar.pk).update(time_zone="Europe/Paris")
    assert 'name="time_zone" value="Europe/Paris"' in section(card(browser))
    form(browser, "add", calendar=calendar.pk, title="Paris by default", start="2031-03-04T10:00",
         end="2031-03-04T11:00", time_zone="")
    assert gcal.get("/events").json()["items"][0]["start"] == {"dateTime": "2031-03-04T10:00:00+01:00",
                                                               "timeZone": "Europe/Paris"}


def test_an_all_day_event_repeated_weekly_is_one_series(browser, gcal, calendar):
    answer = form(browser, "add", calendar=calendar.pk, title="Trade fair", start="2031-03-05T00:00",
                  end="2031-03-06T00:00", all_day="on", repeat_weekly="3")
    assert answer.status_code == 302
    [series] = gcal.get("/events").json()["items"]  # one event: a series is never expanded into events
    assert (series["start"], series["end"]) == ({"date": "2031-03-05"}, {"date": "2031-03-07"})  # end: the day after
    assert series["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=3"]
    shown = rows(card(browser))
    assert sorted(shown) == [f"{series['id']}_20310305", f"{series['id']}_20310312"]
    assert all("All day, to" in text and "repeats" in text for text in shown.values())


def test_a_page_the_event_went_to_is_the_one_shown_after_the_form(browser, calendar):
    answer = form(browser, "add", calendar=calendar.pk, page=0, title="Far away", start="2031-04-01T10:00",
                  end="2031-04-01T11:00")
    assert answer["Location"] == f"/sandbox/?gcal-{calendar.pk}=2#gcal-{calendar.pk}"
    assert "Far away" in " ".join(rows(card(browser, 2, calendar)).values())


def test_moving_and_editing_an_event_patches_it_and_pushes(browser, gcal, calendar, pushes):
    created = gcal.post("/events", json=MEETING).json()  # 10:00-11:00 on 4 March 2031, Asia/Shanghai
    row = re.search(rf'data-event-id="{created["id"]}">(.*?)</tr>', card(browser), re.S).group(1)
    assert 'name="start" value="2031-03-04T10:00"' in row  # the move form shows the event's own zone

    moved = form(browser, "move", calendar=calendar.pk, page=0, event_id=created["id"], start="2031-03-05T14:00",
                 end="2031-03-05T15:00")
    assert moved.status_code == 302
    after = validate(gcal.get(f"/events/{created['id']}").json(), "Event")
    assert after["start"] == {"dateTime": "2031-03-05T14:00:00+08:00", "timeZone": "Asia/Shanghai"}
    assert after["end"] == {"dateTime": "2031-03-05T15:00:00+08:00", "timeZone": "Asia/Shanghai"}
    assert after["sequence"] == 1 and after["summary"] == MEETING["summary"]

    assert form(browser, "edit", calendar=calendar.pk, event_id=created["id"], title="Renamed in Google",
                description="Bring the plans", location="Pier 9").status_code == 302
    edited = gcal.get(f"/events/{created['id']}").json()
    assert (edited["summary"], edited["description"], edited["location"], edited["start"]) == (
        "Renamed in Google", "Bring the plans", "Pier 9", after["start"])
    assert "Pier 9" in re.search(rf'data-event-id="{created["id"]}">(.*?)</tr>', card(browser), re.S).group(1)
    form(browser, "edit", calendar=calendar.pk, event_id=created["id"], title="Renamed in Google", description="")
    emptied = gcal.get(f"/events/{created['id']}").json()
    assert "description" not in emptied and "location" not in emptied
    wait_until(lambda: pushes() == ["exists"] * 4, message="a push for each change")  # the insert, then three


def test_moving_one_occurrence_of_a_series_makes_an_exception(browser, gcal, calendar):
    series = gcal.post("/events", json=timed("Standup", "2031-03-04T09:00:00Z", "2031-03-04T09:15:00Z",
                                             recurrence=["RRULE:FREQ=DAILY;COUNT=3"])).json()
    second = f"{series['id']}_20310305T090000Z"
    assert second in rows(card(browser))
    assert form(browser, "move", calendar=calendar.pk, event_id=second, start="2031-03-05T11:00",
                end="2031-03-05T11:15").status_code == 302
    exception = gcal.get(f"/events/{second}").json()
    assert exception["recurringEventId"] == series["id"]
    assert exception["start"]["dateTime"] == "2031-03-05T11:00:00+00:00"
    listed = gcal.get("/events", params={"singleEvents": "true", "orderBy": "startTime"}).json()["items"]
    assert [e["start"]["dateTime"][:16] for e in listed] == ["2031-03-04T09:00", "2031-03-05T11:00", "2031-03-06T09:00"]
    assert gcal.get(f"/events/{series['id']}").json()["recurrence"] == ["RRULE:FREQ=DAILY;COUNT=3"]


def test_moving_an_all_day_event_takes_its_first_and_last_day(browser, gcal, calendar):
    created = gcal.post("/events", json={"summary": "Holiday", "start": {"date": "2031-03-05"},
                                         "end": {"date": "2031-03-06"}}).json()
    row = re.search(rf'data-event-id="{created["id"]}">(.*?)</tr>', card(browser), re.S).group(1)
    assert 'type="date" name="start" value="2031-03-05"' in row and 'type="date" name="end" value="2031-03-05"' in row
    form(browser, "move", calendar=calendar.pk, event_id=created["id"], start="2031-03-10", end="2031-03-11")
    moved = gcal.get(f"/events/{created['id']}").json()
    assert (moved["start"], moved["end"]) == ({"date": "2031-03-10"}, {"date": "2031-03-12"})


def test_deleting_hides_the_event_and_pushes(browser, gcal, calendar, pushes):
    created = gcal.post("/events", json=MEETING).json()
    assert created["id"] in rows(card(browser))
    assert form(browser, "delete", calendar=calendar.pk, event_id=created["id"]).status_code == 302
    assert gcal.get(f"/events/{created['id']}").json()["status"] == "cancelled"
    assert created["id"] not in rows(card(browser))
    wait_until(lambda: pushes() == ["exists", "exists"], message="the pushes for the insert and the delete")


def test_a_pending_meet_link_is_made_ready_from_the_card(browser, gcal, sandbox, calendar, pushes):
    assert form(browser, "conferences-pending", calendar=calendar.pk, pending="true").status_code == 302
    assert Calendar.objects.get(pk=calendar.pk).conferences_pending
    created = gcal.post("/events", params={"conferenceDataVersion": 1},
                        json={**MEETING, "conferenceData": meet_request("appointment-7")}).json()
    assert created["conferenceData"]["createRequest"]["status"]["statusCode"] == "pending"
    assert "Meet link pending" in rows(card(browser))[created["id"]]

    assert form(browser, "conference-ready", calendar=calendar.pk, event_id=created["id"]).status_code == 302
    ready = validate(gcal.get(f"/events/{created['id']}").json(), "Event")
    assert ready["conferenceData"]["createRequest"]["status"]["statusCode"] == "success"
    assert re.fullmatch(r"https://meet\.google\.com/[a-z]{3}-[a-z]{4}-[a-z]{3}", ready["hangoutLink"])
    shown = rows(card(browser))[created["id"]]
    assert ready["hangoutLink"] in shown and "Meet link pending" not in shown
    wait_until(lambda: pushes() == ["exists", "exists"], message="the pushes for the insert and the Meet link")

    assert form(browser, "conferences-pending", calendar=calendar.pk, pending="false").status_code == 302
    assert not Calendar.objects.get(pk=calendar.pk).conferences_pending


def test_expiring_sync_tokens_makes_the_next_incremental_sync_410(browser, gcal, calendar):
    token = gcal.get("/events").json()["nextSyncToken"]
    assert gcal.get("/events", params={"syncToken": token}).status_code == 200
    assert form(browser, "expire-sync-tokens", calendar=calendar.pk, page=1).status_code == 302
    assert_google_error(gcal.get("/events", params={"syncToken": token}), 410, "fullSyncRequired")


def test_another_calendars_tokens_are_left_alone(browser, gcal, sandbox, calendar):
    google_token("ya29-lee", email="lee@gmail.example")
    lee = sandbox.control("google_calendar-create-event", email="lee@gmail.example", event=MEETING)
    lees_calendar = Event.objects.get(event_id=lee["id"]).calendar
    token = gcal.get("/events").json()["nextSyncToken"]
    form(browser, "expire-sync-tokens", calendar=lees_calendar.pk)
    assert gcal.get("/events", params={"syncToken": token}).status_code == 200


ADD = {"title": "Site visit", "start": "2031-03-04T10:00", "end": "2031-03-04T11:00", "time_zone": "Europe/Paris"}


@pytest.mark.parametrize("action, fields, field, words", [
    ("add", {**ADD, "title": "  "}, "title", "Give the event a title"),
    ("add", {k: v for k, v in ADD.items() if k != "title"}, "title", "Give the event a title"),
    ("add", {**ADD, "end": "2031-03-04T09:00"}, "end", "The end is before the start"),
    ("add", {**ADD, "time_zone": "Mars/Olympus"}, "time_zone", "is not a time zone"),
    ("add", {**ADD, "start": "tomorrow"}, "start", "is not a date and time"),
    ("add", {**ADD, "start": ""}, "start", "Give the start date and time"),
    ("add", {**ADD, "start": "2031-03-04T10:00+02:00"}, "start", "without an offset"),
    ("add", {**ADD, "start": "0001-01-01T00:00"}, "start", "a year from 1900 to 2999"),
    ("add", {**ADD, "end": "9999-12-31T23:59"}, "end", "a year from 1900 to 2999"),
    ("add", {**ADD, "attendee": "not-an-email"}, "attendee", "is not an email address"),
    ("add", {**ADD, "repeat_weekly": "0"}, "repeat_weekly", "from 1 to 520"),
    ("add", {**ADD, "repeat_weekly": "every week"}, "repeat_weekly", "from 1 to 520"),
    ("add", {**ADD, "all_day": "on", "end": "2031-03-03T10:00"}, "end", "The last day is before the first day"),
    ("add", {**ADD, "title": "Nul\x00"}, "title", "NUL character"),
    ("move", {"start": "2031-03-05T10:00", "end": "2031-03-05T09:00"}, "end", "The end is before the start"),
    ("move", {"start": "2031-03-05T10:00", "end": ""}, "end", "Give the end date and time"),
    ("move", {"event_id": "nosuchevent", "start": "2031-03-05T10:00", "end": "2031-03-05T11:00"}, "event_id",
     "There is no event"),
    ("edit", {"title": ""}, "title", "Give the event a title"),
    ("delete", {"event_id": ""}, "event_id", "There is no event"),
    ("conference-ready", {}, "event_id", "no Meet link waiting"),
    ("add", {**ADD, "calendar": "99999"}, "calendar", "no such calendar"),
    ("expire-sync-tokens", {"calendar": "first"}, "calendar", "no such calendar"),
])
def test_a_refused_form_names_the_field_and_writes_nothing(browser, gcal, calendar, pushes, action, fields,
                                                          field, words):
    existing = gcal.post("/events", json=MEETING).json()
    token = gcal.get("/events").json()["nextSyncToken"]
    before = list(Event.objects.order_by("pk").values_list("body", flat=True))
    changes = Calendar.objects.get(pk=calendar.pk).changes

    answer = form(browser, action, **{"calendar": calendar.pk, "event_id": existing["id"], **fields})

    assert answer.status_code == 400
    html = answer.content.decode()
    error = re.search(r'<p class="flash error" role="alert" data-testid="gcal-error" data-field="([^"]+)">(.*?)</p>',
                      html, re.S)
    assert error and error.group(1) == field, html
    assert words in error.group(2) and "Nothing was changed" in error.group(2)
    assert list(Event.objects.order_by("pk").values_list("body", flat=True)) == before
    assert Calendar.objects.get(pk=calendar.pk).changes == changes
    assert gcal.get("/events", params={"syncToken": token}).status_code == 200  # tokens not expired either
    assert pushes() == ["exists"]  # the insert's, none from the refused form


def test_a_refused_add_keeps_what_was_typed(browser, calendar):
    typed = {**ADD, "time_zone": "Mars/Olympus", "attendee": "pat@example.com", "all_day": "on"}
    html = form(browser, "add", calendar=calendar.pk, **typed).content.decode()
    mine = section(html)
    assert 'data-field="time_zone"' in mine
    for value in ('name="title" value="Site visit"', 'name="time_zone" value="Mars/Olympus"',
                  'name="attendee" value="pat@example.com"', 'name="start" value="2031-03-04T10:00"',
                  'name="all_day" checked'):
        assert value in mine


def test_an_unknown_form_is_404_and_reading_a_form_is_405(browser, calendar):
    assert form(browser, "rename-calendar", calendar=calendar.pk).status_code == 404
    assert browser.get("/sandbox/_google_calendar/add/").status_code == 405


def test_with_the_sandbox_off_the_forms_are_404(browser, calendar, settings):
    settings.HUBWIRE_SANDBOX = False
    assert form(browser, "add", calendar=calendar.pk, **ADD).status_code == 404
    assert not Event.objects.exists()
