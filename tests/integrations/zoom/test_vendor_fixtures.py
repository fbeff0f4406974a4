"""Zoom's documented answers (fixtures/) against both sides: the sandbox must answer with the same
fields and JSON types, and hubwire's client must read them. Were the emulator and the client to
drift together away from Zoom, the suite that runs them against each other would not notice; these
tests would."""

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.zoom import meetings as zoom_meetings
from hubwire.integrations.zoom.provider import signature, url_validation_answer
from hubwire.sandbox import clock
from hubwire.sandbox.models import Token
from hubwire.sandbox.oauth import subject_for
from hubwire.sandbox.servers import ZOOM
from tests.conftest import SANDBOX_DB

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(name: str):
    return json.loads((FIXTURES / name).read_text())


def shape(value):
    """The JSON type of a value, and of every field of an object, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def assert_same_fields(answer: dict, vendor: dict, *, open_objects=("settings",)) -> None:
    """Every field Zoom documents is in the answer with the same JSON type (objects that carry what the
    caller sent, such as settings, are compared by type only)."""
    for key, expected in vendor.items():
        assert key in answer, f"the sandbox leaves out {key!r}"
        if key in open_objects:
            assert isinstance(answer[key], dict), key
        elif isinstance(expected, list):
            assert isinstance(answer[key], list), key
            for item in answer[key][:1]:
                assert_same_fields(item, expected[0])
        else:
            assert shape(answer[key]) == shape(expected), f"{key}: {shape(answer[key])} where Zoom sends {shape(expected)}"


@pytest.fixture
def zoom_api(sandbox):
    now = clock.now()
    Token.objects.create(server="zoom", client_id="sandbox-zoom", kind=Token.ACCESS, value="at-fixtures", family="f",
                         subject=subject_for(ZOOM, "dana@zoom.example"), created_at=now,
                         expires_at=now + timedelta(hours=1))
    with httpx.Client(base_url=f"{sandbox.base_url}/sandbox/api.zoom.us/v2", timeout=30,
                      headers={"Authorization": "Bearer at-fixtures"}) as client:
        yield client


MEETING = {"topic": "Brand review with ACME", "type": 2, "start_time": "2026-12-01T15:00:00Z", "duration": 45,
           "timezone": "America/New_York", "agenda": "Ref. hubwire-1a2b3c4d5e6f7a8b"}


@SANDBOX_DB
def test_the_sandbox_answers_create_list_and_a_missing_meeting_as_zoom_documents(zoom_api):
    created = zoom_api.post("/users/me/meetings", json=MEETING)
    assert created.status_code == 201
    assert_same_fields(created.json(), recorded("meeting_created.json"))

    page = zoom_api.get("/users/me/meetings", params={"type": "scheduled", "page_size": 30})
    assert_same_fields(page.json(), recorded("meetings_page.json"))

    missing = zoom_api.get("/meetings/85746065432")
    assert missing.status_code == 404
    assert shape(missing.json()) == shape(recorded("meeting_not_found.json"))


def serving(*answers: httpx.Response) -> httpx.Client:
    """A client whose transport answers with Zoom's recorded responses, in order."""
    queue = list(answers)
    return httpx.Client(transport=httpx.MockTransport(lambda request: queue.pop(0)), base_url="https://api.zoom.us")


def test_the_client_reads_zooms_recorded_create_answer():
    body = recorded("meeting_created.json")
    with serving(httpx.Response(201, json=body)) as client:
        meeting = zoom_meetings.create(PROVIDERS["zoom"], client, MEETING)
    assert (meeting.meeting_id, meeting.join_url, meeting.start_url, meeting.passcode) == \
        ("85746065432", body["join_url"], body["start_url"], "k5vE7x")
    assert meeting.fields == {key: body[key] for key in zoom_meetings.MANAGED_FIELDS}


def test_the_client_finds_a_meeting_by_its_marker_in_zooms_recorded_list():
    page, body = recorded("meetings_page.json"), recorded("meeting_created.json")
    last_page = {**page, "next_page_token": "", "meetings": page["meetings"]}
    first_page = {**page, "meetings": [{**page["meetings"][0], "id": 1, "agenda": "someone else's"}]}
    with serving(httpx.Response(200, json=first_page), httpx.Response(200, json=last_page),
                 httpx.Response(200, json=body)) as client:
        found = zoom_meetings.find(PROVIDERS["zoom"], client, "1a2b3c4d5e6f7a8b")
    assert found is not None and found.meeting_id == "85746065432"


def test_zooms_recorded_errors_read_as_zoom_means_them():
    with pytest.raises(ProviderError) as missing:
        raise_for_status(PROVIDERS["zoom"], httpx.Response(404, json=recorded("meeting_not_found.json")))
    assert (missing.value.status, missing.value.code) == (404, "3001")
    with pytest.raises(zoom_meetings.MeetingGone), serving(
            httpx.Response(404, json=recorded("meeting_not_found.json"))) as client:
        zoom_meetings.update(PROVIDERS["zoom"], client, "85746065432", {"duration": 30})
    with pytest.raises(ProviderError) as limited:
        raise_for_status(PROVIDERS["zoom"], httpx.Response(429, json=recorded("daily_limit.json"),
                                                           headers={"Retry-After": "3600"}))
    assert limited.value.status == 429 and limited.value.retry_after == 3600
    assert "resume these requests at GMT 00:00:00" in str(limited.value)


def test_zooms_signature_and_url_validation_vectors():
    vector = recorded("webhook_vector.json")
    assert signature(vector["secret"], vector["timestamp"], vector["body"].encode()) == vector["signature"]
    assert url_validation_answer(vector["secret"], vector["plain_token"]) == {
        "plainToken": vector["plain_token"], "encryptedToken": vector["encrypted_token"]}
