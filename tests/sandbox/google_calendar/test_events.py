"""The sandbox Google Calendar speaks the Calendar API v3 contract (providers.md §3.2-3.4) over real
HTTP, every answer checked against Google's discovery document."""

import httpx
import pytest

from hubwire.sandbox.google_calendar.models import Event
from tests.conftest import SANDBOX_DB
from tests.sandbox.google_calendar.conftest import EMAIL, MEETING, TIMEOUT, assert_google_error, google_token
from tests.sandbox.google_calendar.schema import validate

pytestmark = SANDBOX_DB


def test_insert_get_patch_delete_an_event(gcal):
    created = validate(gcal.post("/events", params={"sendUpdates": "all"}, json=MEETING).json(), "Event")
    assert created["summary"] == "Strategy call" and created["status"] == "confirmed"
    assert created["start"] == MEETING["start"] and created["extendedProperties"] == MEETING["extendedProperties"]
    assert created["organizer"] == {"email": EMAIL, "self": True}
    assert Event.objects.get(event_id=created["id"]).send_updates == "all"

    assert validate(gcal.get(f"/events/{created['id']}").json(), "Event") == created
    patched = validate(gcal.patch(f"/events/{created['id']}", headers={"If-Match": created["etag"]},
                                  json={"summary": "Moved call", "extendedProperties": {"private": {"x": "1"}}}).json(),
                       "Event")
    assert patched["summary"] == "Moved call" and patched["description"] == MEETING["description"]
    assert patched["extendedProperties"]["private"] == {"hubwire_id": "7", "x": "1"}  # a patch merges objects
    assert patched["etag"] != created["etag"] and patched["sequence"] == 0

    moved = gcal.patch(f"/events/{created['id']}", json={"start": {"dateTime": "2031-03-04T12:00:00+08:00"},
                                                          "end": {"dateTime": "2031-03-04T13:00:00+08:00"}}).json()
    assert validate(moved, "Event")["sequence"] == 1 and moved["start"]["timeZone"] == "Asia/Shanghai"

    assert gcal.delete(f"/events/{created['id']}").status_code == 204
    assert gcal.get(f"/events/{created['id']}").json()["status"] == "cancelled"
    assert_google_error(gcal.delete(f"/events/{created['id']}"), 410, "deleted")


def test_a_stale_etag_is_answered_412(gcal):
    created = gcal.post("/events", json=MEETING).json()
    gcal.patch(f"/events/{created['id']}", json={"summary": "Edited elsewhere"})
    stale = gcal.patch(f"/events/{created['id']}", headers={"If-Match": created["etag"]}, json={"summary": "Mine"})
    assert_google_error(stale, 412, "conditionNotMet", "Precondition Failed")
    assert_google_error(gcal.delete(f"/events/{created['id']}", headers={"If-Match": created["etag"]}),
                        412, "conditionNotMet")
    assert gcal.get(f"/events/{created['id']}").json()["summary"] == "Edited elsewhere"


def test_a_client_chosen_id_is_kept_and_a_reused_one_is_409(gcal):
    created = gcal.post("/events", json={**MEETING, "id": "hub7appointment"}).json()
    assert created["id"] == "hub7appointment"
    assert_google_error(gcal.post("/events", json={**MEETING, "id": "hub7appointment"}), 409, "duplicate")
    assert_google_error(gcal.post("/events", json={**MEETING, "id": "Not_Base32Hex!"}), 400, "invalid", "id")
    assert len(gcal.get("/events").json()["items"]) == 1


def test_put_replaces_the_writable_fields(gcal):
    created = gcal.post("/events", json=MEETING).json()
    replaced = validate(gcal.put(f"/events/{created['id']}", json={"summary": "Only this", "start": MEETING["start"],
                                                                    "end": MEETING["end"]}).json(), "Event")
    assert replaced["summary"] == "Only this" and "description" not in replaced and replaced["id"] == created["id"]


def test_all_day_events_and_time_zones_are_kept_as_given(gcal):
    all_day = validate(gcal.post("/events", json={"summary": "Offsite", "start": {"date": "2031-03-04"},
                                                  "end": {"date": "2031-03-06"}}).json(), "Event")
    assert all_day["start"] == {"date": "2031-03-04"} and "dateTime" not in all_day["end"]
    local = validate(gcal.post("/events", json={
        "summary": "NY", "start": {"dateTime": "2031-03-09T09:00:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2031-03-09T10:00:00", "timeZone": "America/New_York"}}).json(), "Event")
    assert local["start"] == {"dateTime": "2031-03-09T09:00:00", "timeZone": "America/New_York"}


@pytest.mark.parametrize("body, reason, field", [
    ({**MEETING, "end": None}, "required", "end"),
    ({**MEETING, "start": {"dateTime": "tomorrow"}}, "invalid", "start.dateTime"),
    ({**MEETING, "start": {"dateTime": "2031-03-04T10:00:00"}}, "required", "start.timeZone"),
    ({**MEETING, "start": {"dateTime": "2031-03-04T10:00:00", "timeZone": "Mars/Olympus"}}, "invalid",
     "start.timeZone"),
    ({**MEETING, "start": {"date": "2031-03-04"}}, "invalid", "end"),
    ({**MEETING, "end": {"dateTime": "2031-03-04T09:00:00+08:00"}}, "timeRangeEmpty", "end"),
    ({**MEETING, "attendees": [{"name": "no email"}]}, "invalid", "attendees"),
    ({**MEETING, "extendedProperties": {"private": {"n": 7}}}, "invalid", "extendedProperties"),
    ({**MEETING, "recurrence": ["EVERY DAY"]}, "invalid", "recurrence"),
    ({**MEETING, "recurrence": ["RRULE:FREQ=SECONDLY"]}, "invalid", "recurrence"),
    ({**MEETING, "recurrence": ["RRULE:FREQ=DAILY;BYDAY=XX"]}, "invalid", "recurrence"),
    ({**MEETING, "summary": 42}, "invalid", "summary"),
    ({**MEETING, "reminders": "none"}, "invalid", "reminders"),
    ({**MEETING, "guestsCanModify": "yes"}, "invalid", "guestsCanModify"),
    ({**MEETING, "start": {"date": 20310304}, "end": {"date": 20310305}}, "invalid", "start.date"),
    ({**MEETING, "start": {"dateTime": 20310304, "timeZone": "UTC"}}, "invalid", "start.dateTime"),
])
def test_a_bad_event_gets_googles_error_envelope_naming_the_field(gcal, body, reason, field):
    response = gcal.post("/events", json={k: v for k, v in body.items() if v is not None})
    assert_google_error(response, 400, reason)
    assert response.json()["error"]["errors"][0]["location"] == field
    assert gcal.get("/events").json()["items"] == []


@pytest.mark.parametrize("conference, field", [
    ("hangoutsMeet", "conferenceData"),
    ({"createRequest": "hangoutsMeet"}, "conferenceData.createRequest"),
    ({"entryPoints": "https://meet.google.com/abc-defg-hij"}, "conferenceData.entryPoints"),
    ({"entryPoints": [{"entryPointType": "video"}]}, "conferenceData.entryPoints"),
])
def test_bad_conference_data_gets_googles_error_envelope_naming_the_field(gcal, conference, field):
    response = gcal.post("/events", params={"conferenceDataVersion": 1}, json={**MEETING, "conferenceData": conference})
    assert_google_error(response, 400, "invalid")
    assert response.json()["error"]["errors"][0]["location"] == field
    assert gcal.get("/events").json()["items"] == []


@pytest.mark.parametrize("content", [b"[1, 2]", b'{"summary": "\\ud800"}', b"{nope"])
def test_a_body_that_is_not_an_event_object_is_a_parse_error(gcal, content):
    response = gcal.post("/events", content=content, headers={"content-type": "application/json"})
    assert_google_error(response, 400, "parseError")
    assert gcal.get("/events").json()["items"] == []


@pytest.mark.parametrize("params, field", [({"sendUpdates": "everyone"}, "sendUpdates"),
                                           ({"conferenceDataVersion": "2"}, "conferenceDataVersion")])
def test_bad_write_parameters_are_named(gcal, params, field):
    response = gcal.post("/events", params=params, json=MEETING)
    assert_google_error(response, 400, "invalid", field)
    assert gcal.get("/events").json()["items"] == []


def test_credentials_scopes_and_calendars(gcal, sandbox):
    url = f"{sandbox.base_url}/sandbox/www.googleapis.com/calendar/v3/calendars/primary/events"
    assert_google_error(httpx.get(url, timeout=TIMEOUT), 401, "authError", "Invalid Credentials")
    google_token("ya29-readonly", scope="https://www.googleapis.com/auth/calendar.events.readonly")
    readonly = {"Authorization": "Bearer ya29-readonly"}
    assert httpx.get(url, headers=readonly, timeout=TIMEOUT).status_code == 200
    assert_google_error(httpx.post(url, headers=readonly, json=MEETING, timeout=TIMEOUT), 403, "insufficientPermissions")
    calendars = f"{sandbox.base_url}/sandbox/www.googleapis.com/calendar/v3/calendars"
    assert_google_error(gcal.get(f"{calendars}/someone-else@gmail.example/events"), 404, "notFound")
    by_email = gcal.get(f"{calendars}/{EMAIL}/events")
    assert by_email.status_code == 200 and by_email.json()["summary"] == EMAIL


def test_each_google_user_has_their_own_calendar(gcal, sandbox):
    gcal.post("/events", json=MEETING)
    google_token("ya29-lee", email="lee@gmail.example")
    lee = httpx.get(f"{sandbox.base_url}/sandbox/www.googleapis.com/calendar/v3/calendars/primary/events",
                    headers={"Authorization": "Bearer ya29-lee"}, timeout=TIMEOUT).json()
    assert lee["items"] == [] and lee["summary"] == "lee@gmail.example"


def test_an_injected_rate_limit_is_googles_403_rate_limit_exceeded(gcal, sandbox):
    sandbox.control("fault", host="www.googleapis.com", path="/calendar/v3/", status=403)
    assert_google_error(gcal.get("/events"), 403, "rateLimitExceeded")
    sandbox.control("fault", host="www.googleapis.com", path="/calendar/v3/", status=429, retry_after=3)
    limited = gcal.post("/events", json=MEETING)
    assert_google_error(limited, 429, "rateLimitExceeded")
    assert limited.json()["error"]["errors"][0]["domain"] == "usageLimits"
    assert gcal.get("/events").json()["items"] == []


def test_a_meet_conference_is_made_once_per_request_id(gcal):
    asked = {**MEETING, "conferenceData": {"createRequest": {"requestId": "appt-7-meet",
                                                             "conferenceSolutionKey": {"type": "hangoutsMeet"}}}}
    ignored = gcal.post("/events", json=asked).json()
    assert "conferenceData" not in ignored  # conferenceDataVersion 0 ignores conference data
    created = validate(gcal.post("/events", params={"conferenceDataVersion": 1}, json=asked).json(), "Event")
    data = created["conferenceData"]
    assert data["createRequest"]["status"]["statusCode"] == "success"
    assert created["hangoutLink"] == data["entryPoints"][0]["uri"]
    assert created["hangoutLink"] == f"https://meet.google.com/{data['conferenceId']}"
    again = gcal.patch(f"/events/{created['id']}", params={"conferenceDataVersion": 1},
                       json={"summary": "Retitled", "conferenceData": asked["conferenceData"]}).json()
    assert again["hangoutLink"] == created["hangoutLink"]
    for wrong_key in ({"type": "zoom"}, "hangoutsMeet"):
        wrong = {"createRequest": {"requestId": "x", "conferenceSolutionKey": wrong_key}}
        assert_google_error(gcal.post("/events", params={"conferenceDataVersion": 1},
                                      json={**MEETING, "conferenceData": wrong}), 400, "invalid", "conference type")


def test_a_null_conference_in_a_patch_takes_the_meet_off_the_event(gcal):
    asked = {**MEETING, "conferenceData": {"createRequest": {"requestId": "appt-8-meet",
                                                             "conferenceSolutionKey": {"type": "hangoutsMeet"}}}}
    created = gcal.post("/events", params={"conferenceDataVersion": 1}, json=asked).json()
    kept = gcal.patch(f"/events/{created['id']}", json={"conferenceData": None}).json()
    assert kept["hangoutLink"] == created["hangoutLink"], "conferenceDataVersion 0 ignores conference data"
    cleared = validate(gcal.patch(f"/events/{created['id']}", params={"conferenceDataVersion": 1},
                                  json={"location": "Studio 4", "conferenceData": None}).json(), "Event")
    assert "conferenceData" not in cleared and "hangoutLink" not in cleared
    assert cleared["location"] == "Studio 4"
    assert gcal.get(f"/events/{created['id']}").json().keys() == cleared.keys()


def test_a_meet_conference_pending_then_ready(gcal, sandbox):
    sandbox.control("google_calendar-conferences-pending", email=EMAIL, pending=True)
    asked = {**MEETING, "conferenceData": {"createRequest": {"requestId": "r1",
                                                             "conferenceSolutionKey": {"type": "hangoutsMeet"}}}}
    created = validate(gcal.post("/events", params={"conferenceDataVersion": 1}, json=asked).json(), "Event")
    assert created["conferenceData"]["createRequest"]["status"]["statusCode"] == "pending"
    assert "hangoutLink" not in created
    sandbox.control("google_calendar-conference-ready", event_id=created["id"])
    ready = validate(gcal.get(f"/events/{created['id']}").json(), "Event")
    assert ready["conferenceData"]["createRequest"]["status"]["statusCode"] == "success"
    assert ready["hangoutLink"].startswith("https://meet.google.com/") and ready["etag"] != created["etag"]


@pytest.mark.parametrize("action, data", [
    ("google_calendar-create-event", {"event": MEETING}),
    ("google_calendar-create-event", {"email": EMAIL, "event": {"summary": "no times"}}),
    ("google_calendar-create-event", {"email": EMAIL, "event": "Strategy call"}),
    ("google_calendar-edit-event", {"event_id": "nosuchevent", "changes": {}}),
    ("google_calendar-delete-event", {}),
    ("google_calendar-conference-ready", {"event_id": "nosuchevent"}),
])
def test_a_bad_test_hook_request_is_a_400_naming_the_problem(sandbox, action, data):
    response = httpx.post(f"{sandbox.base_url}/sandbox/_control/{action}/", json=data, timeout=TIMEOUT)
    assert response.status_code == 400 and "bad or missing field" in response.json()["error"]
    assert not Event.objects.exists()


def test_an_edit_hook_whose_changes_are_not_an_object_is_a_400_and_changes_nothing(gcal, sandbox):
    created = gcal.post("/events", json=MEETING).json()
    response = httpx.post(f"{sandbox.base_url}/sandbox/_control/google_calendar-edit-event/",
                          json={"event_id": created["id"], "changes": "retitle"}, timeout=TIMEOUT)
    assert response.status_code == 400 and "changes must be an object" in response.json()["error"]
    assert gcal.get(f"/events/{created['id']}").json() == created


def test_reset_forgets_the_calendars(gcal, sandbox):
    created = gcal.post("/events", json=MEETING).json()
    sandbox.control("reset")
    google_token("ya29-again")
    again = httpx.get(str(gcal.base_url) + f"/events/{created['id']}", headers={"Authorization": "Bearer ya29-again"},
                      timeout=TIMEOUT)
    assert_google_error(again, 404, "notFound")
