"""events.list in the sandbox Google Calendar: paging, filters, incremental sync with syncToken
and its 410, recurring series (providers.md §3.2, developers.google.com/calendar/api/guides/sync)."""

import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.google_calendar.schema import validate
from tests.sandbox.google_calendar.conftest import EMAIL, MEETING, assert_google_error

pytestmark = SANDBOX_DB


def every_page(gcal, **params) -> tuple[list[dict], str, int]:
    """All items of a listing, its nextSyncToken, and how many pages it took."""
    items, pages, token = [], 0, None
    while True:
        page = validate(gcal.get("/events", params={**params, **({"pageToken": token} if token else {})}).json(),
                        "Events")
        pages += 1
        items += page["items"]
        token = page.get("nextPageToken")
        if token is None:
            return items, page["nextSyncToken"], pages
        assert "nextSyncToken" not in page  # only the last page carries it


def make(gcal, n: int, **extra) -> list[dict]:
    return [gcal.post("/events", json={**MEETING, "summary": f"Call {i}", **extra}).json() for i in range(n)]


def test_a_full_listing_pages_and_ends_with_a_sync_token(gcal):
    made = make(gcal, 5)
    items, sync_token, pages = every_page(gcal, maxResults=2)
    assert [e["id"] for e in items] == [e["id"] for e in made] and pages == 3 and sync_token


def test_an_event_deleted_between_pages_shifts_no_other_off_the_listing(gcal):
    made = make(gcal, 4)
    first = gcal.get("/events", params={"maxResults": 2}).json()
    assert gcal.delete(f"/events/{made[0]['id']}").status_code == 204
    rest = gcal.get("/events", params={"maxResults": 2, "pageToken": first["nextPageToken"]}).json()
    assert [e["id"] for e in first["items"] + rest["items"]] == [e["id"] for e in made]
    assert "nextPageToken" not in rest and rest["nextSyncToken"]


def test_incremental_sync_answers_what_changed_since_including_deletions(gcal, sandbox):
    first, second, third = make(gcal, 3)
    _, token, _ = every_page(gcal)
    assert validate(gcal.get("/events", params={"syncToken": token}).json(), "Events")["items"] == []

    gcal.patch(f"/events/{first['id']}", json={"summary": "Retitled"})
    gcal.delete(f"/events/{second['id']}")
    sandbox.control("google_calendar-edit-event", event_id=third["id"],
                    changes={"start": {"dateTime": "2031-03-05T10:00:00+08:00"},
                             "end": {"dateTime": "2031-03-05T11:00:00+08:00"}})
    added = sandbox.control("google_calendar-create-event", email=EMAIL,
                            event={"summary": "Made in Google", "start": {"date": "2031-04-01"},
                                   "end": {"date": "2031-04-02"}})
    changes, next_token, pages = every_page(gcal, syncToken=token, maxResults=2)
    assert pages == 2 and next_token != token
    by_id = {e["id"]: e for e in changes}
    assert set(by_id) == {first["id"], second["id"], third["id"], added["id"]}
    assert by_id[first["id"]]["summary"] == "Retitled"
    assert by_id[second["id"]]["status"] == "cancelled"
    assert by_id[third["id"]]["start"]["dateTime"] == "2031-03-05T10:00:00+08:00"
    assert validate(gcal.get("/events", params={"syncToken": next_token}).json(), "Events")["items"] == []

    sandbox.control("google_calendar-delete-event", event_id=added["id"])
    gone = gcal.get("/events", params={"syncToken": next_token}).json()["items"]
    assert [(e["id"], e["status"]) for e in gone] == [(added["id"], "cancelled")]


def test_an_expired_sync_token_is_410_full_sync_required(gcal, sandbox):
    make(gcal, 1)
    _, token, _ = every_page(gcal)
    assert sandbox.control("google_calendar-expire-sync-tokens", email=EMAIL) == {"expired": 1}
    assert_google_error(gcal.get("/events", params={"syncToken": token}), 410, "fullSyncRequired")
    assert_google_error(gcal.get("/events", params={"syncToken": "never-handed-out"}), 410, "fullSyncRequired")
    items, fresh, _ = every_page(gcal)  # the full sync starts again and hands out a token that works
    assert len(items) == 1 and gcal.get("/events", params={"syncToken": fresh}).status_code == 200


@pytest.mark.parametrize("params, field", [
    ({"syncToken": "x", "privateExtendedProperty": "a=b"}, "privateExtendedProperty"),
    ({"syncToken": "x", "timeMin": "2031-01-01T00:00:00Z"}, "timeMin"),
    ({"maxResults": "0"}, "maxResults"), ({"maxResults": "many"}, "maxResults"),
    ({"pageToken": "not-ours"}, "pageToken"), ({"orderBy": "startTime"}, "orderBy"),
    ({"privateExtendedProperty": "no-equals-sign"}, "privateExtendedProperty"),
    ({"timeMin": "2031-01-01T00:00:00"}, "timeMin"), ({"timeMax": "soon"}, "timeMax"),
])
def test_a_bad_list_parameter_is_named(gcal, params, field):
    response = gcal.get("/events", params=params)
    assert response.status_code == 400 and response.json()["error"]["errors"][0]["location"] == field


def test_filters_private_extended_property_show_deleted_and_time_window(gcal):
    mine = gcal.post("/events", json={**MEETING, "extendedProperties": {"private": {"hubwire_id": "7", "ws": "1"}}})
    gcal.post("/events", json={**MEETING, "extendedProperties": {"private": {"hubwire_id": "8", "ws": "1"}}})
    found = gcal.get("/events", params=[("privateExtendedProperty", "hubwire_id=7"),
                                        ("privateExtendedProperty", "ws=1")]).json()["items"]
    assert [e["id"] for e in found] == [mine.json()["id"]]
    gcal.delete(f"/events/{mine.json()['id']}")
    assert gcal.get("/events", params={"privateExtendedProperty": "hubwire_id=7"}).json()["items"] == []
    deleted = gcal.get("/events", params={"privateExtendedProperty": "hubwire_id=7", "showDeleted": "true"}).json()
    assert [e["status"] for e in validate(deleted, "Events")["items"]] == ["cancelled"]
    assert gcal.get("/events", params={"timeMin": "2031-03-05T00:00:00Z"}).json()["items"] == []
    assert len(gcal.get("/events", params={"timeMin": "2031-03-04T00:00:00Z",
                                           "timeMax": "2031-03-05T00:00:00Z"}).json()["items"]) == 1


def test_a_recurring_series_is_kept_whole_or_expanded_with_single_events(gcal):
    weekly = {"summary": "Weekly check-in", "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
              "start": {"dateTime": "2031-03-03T09:00:00", "timeZone": "America/New_York"},
              "end": {"dateTime": "2031-03-03T09:30:00", "timeZone": "America/New_York"}}
    series = validate(gcal.post("/events", json=weekly).json(), "Event")
    assert series["recurrence"] == weekly["recurrence"]
    assert [e["id"] for e in gcal.get("/events").json()["items"]] == [series["id"]]
    listed = validate(gcal.get("/events", params={"singleEvents": "true", "orderBy": "startTime"}).json(), "Events")
    starts = [e["start"]["dateTime"] for e in listed["items"]]
    # The wall-clock time stays 09:00 in New York across the DST change of 9 March 2031.
    assert starts == ["2031-03-03T09:00:00-05:00", "2031-03-10T09:00:00-04:00", "2031-03-17T09:00:00-04:00"]
    assert {e["recurringEventId"] for e in listed["items"]} == {series["id"]}
    assert all("recurrence" not in e for e in listed["items"])


def test_one_occurrence_edited_or_deleted_becomes_an_exception(gcal, sandbox):
    daily = {"summary": "Stand-up", "recurrence": ["RRULE:FREQ=DAILY;COUNT=4"],
             "start": {"date": "2031-03-03"}, "end": {"date": "2031-03-04"}}
    series = gcal.post("/events", json=daily).json()
    _, token, _ = every_page(gcal)
    second, third = f"{series['id']}_20310304", f"{series['id']}_20310305"
    assert validate(gcal.get(f"/events/{second}").json(), "Event")["recurringEventId"] == series["id"]
    moved = gcal.patch(f"/events/{second}", json={"summary": "Stand-up (moved)", "start": {"date": "2031-03-08"},
                                                   "end": {"date": "2031-03-09"}}).json()
    assert validate(moved, "Event")["originalStartTime"] == {"date": "2031-03-04"} and moved["id"] == second
    assert gcal.delete(f"/events/{third}").status_code == 204
    assert_google_error(gcal.get(f"/events/{series['id']}_20310310"), 404, "notFound")  # not an occurrence

    listed = gcal.get("/events", params={"singleEvents": "true", "orderBy": "startTime"}).json()["items"]
    assert [(e["start"]["date"], e["summary"]) for e in listed] == [
        ("2031-03-03", "Stand-up"), ("2031-03-06", "Stand-up"), ("2031-03-08", "Stand-up (moved)")]
    changes = gcal.get("/events", params={"syncToken": token}).json()["items"]
    assert {(e["id"], e["status"]) for e in changes} == {(second, "confirmed"), (third, "cancelled")}
    assert gcal.get(f"/events/{series['id']}").json()["recurrence"] == daily["recurrence"]  # the series is untouched
