"""Watch channels of the sandbox Google Calendar: events.watch, the pushes it posts with Google's
headers, channels.stop and expiry (providers.md §3.3)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hubwire.sandbox import clock
from hubwire.sandbox.google_calendar.models import Channel
from hubwire.sandbox.google_calendar.watch import DEFAULT_TTL
from tests.conftest import SANDBOX_DB, wait_until
from tests.sandbox.google_calendar.conftest import MEETING, assert_google_error
from tests.sandbox.google_calendar.schema import validate

pytestmark = SANDBOX_DB


@pytest.fixture
def receiver():
    """An app's push endpoint: records each POST's headers and body, answers 200."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url, server.received = f"http://127.0.0.1:{server.server_port}/google/push", received
    yield server
    server.shutdown()
    server.server_close()


def watch(gcal, receiver, channel_id="chan-1", **extra):
    return gcal.post("/events/watch", json={"id": channel_id, "type": "web_hook", "address": receiver.url,
                                            "token": "ws=1&sig=abc", **extra})


def stop(gcal, channel: dict):
    url = str(gcal.base_url).split("/calendars/")[0] + "/channels/stop"
    return gcal.post(url, json={"id": channel["id"], "resourceId": channel["resourceId"]})


def states(receiver) -> list[tuple[str, str]]:
    return [(r["headers"]["X-Goog-Resource-State"], r["headers"]["X-Goog-Message-Number"]) for r in receiver.received]


def test_a_channel_gets_sync_then_exists_for_every_change(gcal, sandbox, receiver):
    channel = validate(watch(gcal, receiver).json(), "Channel")
    assert channel["id"] == "chan-1" and channel["token"] == "ws=1&sig=abc" and channel["kind"] == "api#channel"
    wait_until(lambda: states(receiver) == [("sync", "1")], message="the sync message")
    created = gcal.post("/events", json=MEETING).json()
    sandbox.control("google_calendar-edit-event", event_id=created["id"], changes={"summary": "Moved in Google"})
    gcal.delete(f"/events/{created['id']}")
    wait_until(lambda: len(receiver.received) == 4, message="a push for each change")
    assert states(receiver) == [("sync", "1"), ("exists", "2"), ("exists", "3"), ("exists", "4")]
    push = receiver.received[-1]
    assert push["body"] == b""
    assert push["headers"]["X-Goog-Channel-ID"] == "chan-1"
    assert push["headers"]["X-Goog-Channel-Token"] == "ws=1&sig=abc"
    assert push["headers"]["X-Goog-Resource-ID"] == channel["resourceId"]
    assert push["headers"]["X-Goog-Resource-URI"] == channel["resourceUri"]


def test_a_stopped_channel_gets_nothing_more(gcal, receiver):
    channel = watch(gcal, receiver).json()
    wait_until(lambda: len(receiver.received) == 1, message="the sync message")
    assert_google_error(stop(gcal, {**channel, "resourceId": "another"}), 404, "notFound")
    stopped = stop(gcal, channel)
    assert stopped.status_code == 204 and stopped.content == b""
    assert_google_error(stop(gcal, channel), 404, "notFound")
    gcal.post("/events", json=MEETING)
    assert [r["headers"]["X-Goog-Resource-State"] for r in receiver.received] == ["sync"]
    assert validate(watch(gcal, receiver).json(), "Channel")["id"] == "chan-1"  # a stopped id may be used again


def test_a_channel_expires_on_the_sandbox_clock(gcal, sandbox, receiver):
    sandbox.control("clock-freeze", frozen=True)
    channel = watch(gcal, receiver, params={"ttl": "3600"}).json()
    expires = int(channel["expiration"]) / 1000
    assert expires - clock.now().timestamp() == pytest.approx(3600, abs=1)
    gcal.post("/events", json=MEETING)
    wait_until(lambda: len(receiver.received) == 2, message="a push while the channel lives")
    sandbox.control("clock", seconds=3601)
    gcal.post("/events", json=MEETING)
    assert len(receiver.received) == 2


@pytest.mark.parametrize("body, field", [
    ({"type": "web_hook", "address": "https://example.com/push"}, "id"),
    ({"id": "c" * 65, "type": "web_hook", "address": "https://example.com/push"}, "id"),
    ({"id": "c", "type": "email", "address": "https://example.com/push"}, "type"),
    ({"id": "c", "type": "web_hook", "address": "ftp://example.com/push"}, "address"),
    ({"id": "c", "type": "web_hook", "address": "https://example.com/push", "params": {"ttl": "a day"}}, "params.ttl"),
    ({"id": "c", "type": "web_hook", "address": "https://example.com/push", "expiration": "soon"}, "expiration"),
    ({"id": "c", "type": "web_hook", "address": "https://example.com/push", "expiration": 10**30}, "expiration"),
])
def test_a_bad_watch_request_is_named(gcal, body, field):
    response = gcal.post("/events/watch", json=body)
    assert response.status_code == 400 and response.json()["error"]["errors"][0]["location"] == field
    assert not Channel.objects.exists()


def test_a_ttl_beyond_the_longest_gets_the_longest(gcal, sandbox, receiver):
    sandbox.control("clock-freeze", frozen=True)
    channel = validate(watch(gcal, receiver, params={"ttl": str(10**20)}).json(), "Channel")
    assert int(channel["expiration"]) / 1000 - clock.now().timestamp() == pytest.approx(DEFAULT_TTL.total_seconds(), abs=1)


def test_a_live_channel_id_cannot_be_reused(gcal, receiver):
    assert watch(gcal, receiver).status_code == 200
    assert_google_error(watch(gcal, receiver), 400, "channelIdNotUnique", "not unique")
