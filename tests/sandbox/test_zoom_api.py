"""The sandbox Zoom speaks Zoom's meeting contract (providers.md §4.2, §4.3) over real HTTP."""

from datetime import timedelta

import httpx
import pytest

from hubwire.sandbox import clock
from hubwire.sandbox.models import Token
from hubwire.sandbox.oauth import subject_for
from hubwire.sandbox.servers import ZOOM
from tests.conftest import SANDBOX_DB, wait_until

pytestmark = SANDBOX_DB
MEETING = {"topic": "Strategy call", "type": 2, "start_time": "2031-03-04T14:30:00Z", "duration": 45,
           "timezone": "America/New_York", "agenda": "hubwire appointment 7", "password": "abc123"}


@pytest.fixture
def zoom(sandbox):
    now = clock.now()
    Token.objects.create(server="zoom", client_id="sandbox-zoom", kind=Token.ACCESS, value="at-1", family="f",
                         subject=subject_for(ZOOM, "dana@zoom.example"), created_at=now,
                         expires_at=now + timedelta(hours=1))
    return httpx.Client(base_url=f"{sandbox.base_url}/sandbox/api.zoom.us/v2",
                        headers={"Authorization": "Bearer at-1"}, timeout=10)


def test_create_get_update_delete_a_meeting(zoom):
    created = zoom.post("/users/me/meetings", json=MEETING)
    assert created.status_code == 201
    meeting = created.json()
    for key in ("topic", "type", "start_time", "duration", "timezone", "agenda", "password"):
        assert meeting[key] == MEETING[key]
    assert isinstance(meeting["id"], int) and meeting["join_url"] and meeting["start_url"]
    assert created.headers["X-RateLimit-Type"] == "Daily-limit" and created.headers["X-RateLimit-Remaining"] == "99"

    assert zoom.get(f"/meetings/{meeting['id']}").json()["topic"] == "Strategy call"
    assert [m["id"] for m in zoom.get("/users/me/meetings").json()["meetings"]] == [meeting["id"]]

    patched = zoom.patch(f"/meetings/{meeting['id']}", json={"start_time": "2031-03-05T15:00:00Z", "duration": 30})
    assert patched.status_code == 204 and patched.content == b""
    assert zoom.get(f"/meetings/{meeting['id']}").json()["duration"] == 30

    assert zoom.delete(f"/meetings/{meeting['id']}").status_code == 204
    gone = zoom.get(f"/meetings/{meeting['id']}")
    assert gone.status_code == 404 and gone.json() == {"code": 3001, "message": f"Meeting does not exist: {meeting['id']}."}
    assert zoom.delete(f"/meetings/{meeting['id']}").status_code == 404


@pytest.mark.parametrize("body, words", [
    ({**MEETING, "topic": ""}, "topic"),
    ({**MEETING, "type": 5}, "type"),
    ({**MEETING, "start_time": "tomorrow"}, "start_time"),
    ({**MEETING, "password": "far too long a passcode"}, "Password"),
])
def test_a_bad_meeting_gets_zooms_error_envelope(zoom, body, words):
    response = zoom.post("/users/me/meetings", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == 300 and words in response.json()["message"]


@pytest.mark.parametrize("content", [b'{"topic": "\\ud800", "type": 2}', b'{"topic": "a\\u0000b", "type": 2}',
                                     b"[" * 100_000 + b"]" * 100_000])
def test_a_hostile_body_gets_zooms_error_envelope_and_creates_nothing(zoom, content):
    response = zoom.post("/users/me/meetings", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["code"] == 300
    assert zoom.get("/users/me/meetings").json()["meetings"] == []


@pytest.mark.parametrize("token", ["99999999999999999999999", "-5", "²"])
def test_a_page_token_never_handed_out_gets_zooms_error_envelope(zoom, token):
    response = zoom.get("/users/me/meetings", params={"next_page_token": token})
    assert response.status_code == 400 and response.json()["code"] == 300


def test_the_daily_create_update_limit_per_user(zoom, settings):
    settings.HUBWIRE_SANDBOX_ZOOM_DAILY_MEETING_WRITES = 2
    first = zoom.post("/users/me/meetings", json=MEETING).json()
    assert zoom.patch(f"/meetings/{first['id']}", json={"duration": 10}).status_code == 204
    limited = zoom.post("/users/me/meetings", json=MEETING)
    assert limited.status_code == 429
    assert "daily rate limit (2)" in limited.json()["message"]
    assert limited.headers["X-RateLimit-Remaining"] == "0" and 0 < int(limited.headers["Retry-After"]) <= 86401


def test_a_missing_or_expired_token_is_refused(zoom):
    assert httpx.get(str(zoom.base_url).rstrip("/") + "/users/me").status_code == 401
    Token.objects.update(expires_at=clock.now() - timedelta(seconds=1))
    response = zoom.get("/users/me")
    assert response.status_code == 401 and response.json() == {"code": 124, "message": "Invalid access token."}


def test_the_meeting_list_pages_with_next_page_token_and_shortens_agendas(zoom):
    ids = [zoom.post("/users/me/meetings", json={**MEETING, "agenda": "x" * 400}).json()["id"] for _ in range(5)]
    seen, params = [], {"type": "scheduled", "page_size": 2}
    while True:
        page = zoom.get("/users/me/meetings", params=params).json()
        assert page["total_records"] == 5 and len(page["meetings"]) <= 2
        assert all(len(m["agenda"]) == 250 for m in page["meetings"])  # Zoom's lists cut agendas to 250
        seen += [m["id"] for m in page["meetings"]]
        if not page["next_page_token"]:
            break
        params["next_page_token"] = page["next_page_token"]
    assert seen == ids
    assert len(zoom.get(f"/meetings/{ids[0]}").json()["agenda"]) == 400  # the meeting itself keeps it whole


def test_a_slow_fault_answers_after_acting(sandbox, zoom):
    sandbox.control("fault", host="api.zoom.us", path="/v2/users/me/meetings", method="POST", delay=1.5)
    with pytest.raises(httpx.ReadTimeout):
        zoom.post("/users/me/meetings", json=MEETING, timeout=0.5)
    assert len(zoom.get("/users/me/meetings").json()["meetings"]) == 1
    # The answer nobody waited for still goes out, and is logged, before the test's data is dropped.
    wait_until(lambda: [c for c in sandbox.calls("api.zoom.us", "/v2/users/me/meetings") if c.method == "POST"])


def test_join_and_start_links_open_a_page_until_the_meeting_is_deleted(sandbox, zoom):
    meeting = zoom.post("/users/me/meetings", json=MEETING).json()
    joined = httpx.get(meeting["join_url"])
    assert joined.status_code == 200 and "Joining “Strategy call”" in joined.text
    assert "signed in as its host" in httpx.get(meeting["start_url"]).text
    zoom.delete(f"/meetings/{meeting['id']}")
    assert httpx.get(meeting["join_url"]).status_code == 404


@pytest.mark.parametrize("action, data", [("zoom-delete-meeting", {"meeting_id": 12345678901}),
                                          ("zoom-delete-meeting", {}), ("zoom-uninstall", {}),
                                          ("fault", {"host": "api.zoom.us"})])
def test_a_test_hook_with_bad_or_missing_fields_answers_400(sandbox, action, data):
    response = httpx.post(f"{sandbox.base_url}/sandbox/_control/{action}/", json=data, timeout=10)
    assert response.status_code == 400 and "bad or missing field" in response.json()["error"]
