"""The inbound provider-event receiver, shown with Zoom's signatures (providers.md §4.4, §9):
verified over the raw body before anything is written, stored once, processed once in a worker."""

import json
import time

import pytest

from hubwire.integrations.models import Connection, ConnectionStatus, InboundEvent
from hubwire.integrations.zoom.provider import signature, url_validation_answer
from hubwire.jobs.runner import execute
from tests.conftest import wait_until

SECRET = "zoom_secret_token"
URL = "/integrations/zoom/events/"


@pytest.fixture
def zoom_webhook_secret(settings):
    settings.HUBWIRE_SANDBOX = False
    settings.HUBWIRE_PROVIDER_ENV = {"zoom_webhook_secret": SECRET}


def post_signed(client, payload: dict, *, timestamp: str | None = None, secret: str = SECRET, body: bytes | None = None):
    body = body if body is not None else json.dumps(payload).encode()
    timestamp = timestamp or str(int(time.time()))
    return client.post(URL, body, content_type="application/json", headers={
        "x-zm-request-timestamp": timestamp, "x-zm-signature": signature(secret, timestamp, body)})


def deauthorization(account_id="abc", user_id="u1") -> dict:
    return {"event": "app_deauthorized", "event_ts": 1700000000000, "payload": {
        "user_data_retention": "false", "account_id": account_id, "user_id": user_id, "signature": "827edc",
        "deauthorization_time": "2026-11-21T10:00:00.000Z", "client_id": "sandbox-zoom"}}


@pytest.fixture
def zoom_connection(workspace):
    return Connection.objects.create(workspace=workspace, provider="zoom", status=ConnectionStatus.ACTIVE,
                                     external_account_id="abc", details={"user_id": "u1"},
                                     access_token="at-secret", refresh_token="rt-secret")


def test_the_providers_md_vectors():
    body = b'{"event":"meeting.created","event_ts":1700000000000,"payload":{"account_id":"abc","object":{"id":123}}}'
    assert signature(SECRET, "1700000000", body) == "v0=452de9debfe82a948ed2382ca4ceded9bb945bd540dbc0030e897cff20aa3beb"
    assert url_validation_answer(SECRET, "qgg8vlvZRS6UYooatFL8Aw")["encryptedToken"] == \
        "bd48235863f4a6323ccc4963c594908b7c97f88b4a6a95278f4f093690b12726"


def test_url_validation_is_answered_at_once_and_stores_nothing(client, db, zoom_webhook_secret):
    response = post_signed(client, {"event": "endpoint.url_validation", "event_ts": 1,
                                    "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}})
    assert response.status_code == 200
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw",
                               "encryptedToken": "bd48235863f4a6323ccc4963c594908b7c97f88b4a6a95278f4f093690b12726"}
    assert not InboundEvent.objects.exists()


def test_a_signed_event_is_stored_once_and_processed_once(client, zoom_connection, zoom_webhook_secret):
    payload = deauthorization()
    first = post_signed(client, payload)
    assert first.status_code == 200 and first.json() == {"received": True}
    again = post_signed(client, payload, timestamp=str(int(time.time()) - 5))  # Zoom's retry: new timestamp, same body
    assert again.status_code == 200 and again.json() == {"received": True, "duplicate": True}
    [event] = InboundEvent.objects.all()
    assert (event.event_type, event.account_ref) == ("app_deauthorized", "abc")

    label = InboundEvent._meta.label_lower
    assert execute(label, event.pk) == "done"
    assert execute(label, event.pk) == "skipped"
    event.refresh_from_db()
    assert event.outcome == "app_deauthorized: 1 connection(s) disconnected"
    zoom_connection.refresh_from_db()
    assert zoom_connection.status == ConnectionStatus.NOT_CONNECTED
    assert (zoom_connection.access_token, zoom_connection.refresh_token) == ("", "")


@pytest.mark.parametrize("tamper, status", [
    (lambda headers, body: ({**headers, "x-zm-signature": "v0=" + "0" * 64}, body), 401),
    (lambda headers, body: (headers, body.replace(b"abc", b"abd")), 401),
    (lambda headers, body: ({k: v for k, v in headers.items() if k != "x-zm-signature"}, body), 401),
    (lambda headers, body: ({**headers, "x-zm-request-timestamp": str(int(time.time()) - 600)}, body), 400),
    (lambda headers, body: ({**headers, "x-zm-request-timestamp": "yesterday"}, body), 400),
])
def test_a_bad_signature_or_stale_timestamp_is_rejected_with_nothing_written(
        client, zoom_connection, zoom_webhook_secret, tamper, status):
    body = json.dumps(deauthorization()).encode()
    timestamp = str(int(time.time()))
    headers = {"x-zm-request-timestamp": timestamp, "x-zm-signature": signature(SECRET, timestamp, body)}
    headers, body = tamper(headers, body)
    response = client.post(URL, body, content_type="application/json", headers=headers)
    assert response.status_code == status and "error" in response.json()
    assert not InboundEvent.objects.exists()
    zoom_connection.refresh_from_db()
    assert zoom_connection.status == ConnectionStatus.ACTIVE


def test_a_signed_body_that_is_not_json_is_rejected(client, db, zoom_webhook_secret):
    assert post_signed(client, {}, body=b"not json").status_code == 400
    assert not InboundEvent.objects.exists()


def test_webhooks_without_a_configured_secret_are_refused(client, db, settings):
    settings.HUBWIRE_SANDBOX = False
    settings.HUBWIRE_PROVIDER_ENV = {}
    assert post_signed(client, deauthorization()).status_code == 503
    assert not InboundEvent.objects.exists()


def test_a_provider_without_events_answers_404(client, db):
    assert client.post("/integrations/portal/events/", b"{}", content_type="application/json").status_code == 404


@pytest.mark.worker
def test_a_real_worker_processes_a_deauthorization(client, celery_worker, zoom_connection, zoom_webhook_secret):
    assert post_signed(client, deauthorization()).status_code == 200
    wait_until(lambda: InboundEvent.objects.filter(status="done").exists(), message="the worker to process the event")
    zoom_connection.refresh_from_db()
    assert zoom_connection.status == ConnectionStatus.NOT_CONNECTED
    assert "removed from your Zoom account" in zoom_connection.status_reason
