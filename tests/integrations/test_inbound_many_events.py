"""Requests that are not one JSON event, over real HTTP on a live server, with providers defined only
here: an Intuit-style CloudEvents array signed with the connection's verifier token (providers.md
§2.6), stored as one event per element in one transaction; and Google-style push notifications
(§3.3) with an empty body and their ids in headers, which must not all look like the first."""

import json

import httpx
import pytest

from hubwire.core.strict_json import BadJson, parse_json
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection, ConnectionStatus, InboundEvent
from hubwire.integrations.registry import (PROVIDERS, AuthKind, InboundDelivery, InboundRejected, Provider,
                                           register)
from hubwire.integrations.signatures import intuit_signature, signatures_equal

pytestmark = pytest.mark.django_db(transaction=True)

VERIFIER_TOKEN = "pasted-verifier-token-b5771f19b12d"
CHANNEL_TOKEN = "channel-token-we-set-on-watch"


class Ledgerly(Provider):
    """An Intuit-like provider: one request carries a JSON array of CloudEvents."""

    key = "ledgerly-test"
    name = "Ledgerly (test)"
    auth_kind = AuthKind.CREDENTIALS
    built = True
    inbound_headers = ("intuit-signature",)

    def verify_inbound(self, request):
        token = request.connection.credentials.get("verifier_token", "") if request.connection else ""
        if not token or not signatures_equal(intuit_signature(token, request.body),
                                             request.headers.get("intuit-signature")):
            raise InboundRejected("intuit-signature does not match", status=401)
        try:
            events = parse_json(request.body)
        except BadJson as exc:
            raise InboundRejected(f"body refused: {exc}", status=400) from None
        if not isinstance(events, list):
            raise InboundRejected("body: not a JSON array of CloudEvents", status=400)
        deliveries = []
        for index, event in enumerate(events):
            if not isinstance(event, dict) or not all(isinstance(event.get(k), str) and event[k]
                                                      for k in ("id", "type", "intuitaccountid")):
                raise InboundRejected(f"body[{index}]: a CloudEvent needs id, type and intuitaccountid", status=400)
            deliveries.append(InboundDelivery(event_id=event["id"], event_type=event["type"],
                                              account_ref=event["intuitaccountid"], body=json.dumps(event)))
        return deliveries


class Pushy(Provider):
    """A Google-Calendar-like provider: pushes with an empty body, identified by their headers."""

    key = "pushy-test"
    name = "Pushy (test)"
    auth_kind = AuthKind.OAUTH2
    built = True
    inbound_headers = ("X-Goog-Channel-ID", "X-Goog-Message-Number", "X-Goog-Resource-State")

    def verify_inbound(self, request):
        if not signatures_equal(CHANNEL_TOKEN, request.headers.get("X-Goog-Channel-Token")):
            raise InboundRejected("X-Goog-Channel-Token is not the channel's", status=401)
        if request.body:
            raise InboundRejected("body: a push notification has an empty body", status=400)
        number = request.headers.get("X-Goog-Message-Number", "")
        if not number.isascii() or not number.isdigit():
            raise InboundRejected("X-Goog-Message-Number: not a number", status=400)
        return [InboundDelivery(event_id=f"{request.headers.get('X-Goog-Channel-ID', '')}:{number}",
                                event_type=request.headers.get("X-Goog-Resource-State", ""))]


class PushyWithoutIds(Pushy):
    """A verifier that forgets to say which push this is."""

    key = "pushy-no-ids-test"

    def verify_inbound(self, request):
        super().verify_inbound(request)
        return [InboundDelivery(event_type="exists")]


@pytest.fixture
def registered():
    for cls in (Ledgerly, Pushy, PushyWithoutIds):
        register(cls)
    yield
    for cls in (Ledgerly, Pushy, PushyWithoutIds):
        PROVIDERS.pop(cls.key)


@pytest.fixture
def ledgerly_url(live_server, settings, workspace, registered):
    settings.HUBWIRE_BASE_URL = live_server.url
    connection = Connection.objects.create(workspace=workspace, provider=Ledgerly.key, status=ConnectionStatus.ACTIVE,
                                           credentials={"verifier_token": VERIFIER_TOKEN})
    return connection_inbound_url(connection=connection)


@pytest.fixture
def pushy_url(live_server, settings, workspace, registered):
    settings.HUBWIRE_BASE_URL = live_server.url
    connection = Connection.objects.create(workspace=workspace, provider=Pushy.key, status=ConnectionStatus.ACTIVE)
    return connection_inbound_url(connection=connection)


def cloud_event(event_id: str, entity: str = "customer", verb: str = "created") -> dict:
    return {"specversion": "1.0", "id": event_id, "source": "intuit.dsnBgbs", "type": f"qbo.{entity}.{verb}.v1",
            "datacontenttype": "application/json", "time": "2026-09-10T21:31:25.179851517Z",
            "intuitentityid": "1234", "intuitaccountid": "310687", "data": {}}


def post_batch(url: str, events, *, token: str = VERIFIER_TOKEN) -> httpx.Response:
    body = json.dumps(events).encode()
    return httpx.post(url, content=body, timeout=10, headers={
        "Content-Type": "application/json", "intuit-signature": intuit_signature(token, body)})


def push(url: str, number: str, *, channel: str = "chan-1", state: str = "exists", body: bytes = b"",
         token: str = CHANNEL_TOKEN) -> httpx.Response:
    return httpx.post(url, content=body, timeout=10, headers={
        "X-Goog-Channel-ID": channel, "X-Goog-Message-Number": number, "X-Goog-Resource-State": state,
        "X-Goog-Resource-ID": "res-1", "X-Goog-Channel-Token": token})


def test_a_batch_of_three_events_is_three_rows_with_the_connection_and_a_repeat_is_acknowledged(ledgerly_url):
    answer = post_batch(ledgerly_url, [cloud_event("e1"), cloud_event("e2", verb="updated"),
                                       cloud_event("e3", entity="invoice")])
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": True, "events": 3, "duplicates": 0}
    events = {e.event_id: e for e in InboundEvent.objects.all()}
    assert sorted(events) == ["e1", "e2", "e3"]
    assert events["e3"].event_type == "qbo.invoice.created.v1"
    assert {e.connection.provider for e in events.values()} == {Ledgerly.key}
    assert json.loads(events["e2"].body) == cloud_event("e2", verb="updated"), "each row keeps its own event"
    assert all(e.account_ref == "310687" and "Intuit-Signature" in e.headers for e in events.values())

    again = post_batch(ledgerly_url, [cloud_event("e3", entity="invoice"), cloud_event("e4")])
    assert again.json() == {"received": True, "events": 2, "duplicates": 1}
    assert InboundEvent.objects.count() == 4


def test_the_same_event_twice_in_one_batch_is_stored_once(ledgerly_url):
    answer = post_batch(ledgerly_url, [cloud_event("e1"), cloud_event("e1")])
    assert answer.json() == {"received": True, "events": 2, "duplicates": 1}
    assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize("events, field", [
    ({"eventNotifications": []}, "body"),
    ([cloud_event("e1"), {**cloud_event("e2"), "id": ""}], "body[1]"),
    ([cloud_event("e1"), "e2"], "body[1]"),
])
def test_a_body_that_is_not_a_cloudevents_array_is_a_400_and_writes_nothing(ledgerly_url, events, field):
    answer = post_batch(ledgerly_url, events)
    assert answer.status_code == 400 and answer.json()["error"].startswith(f"{field}:")
    assert not InboundEvent.objects.exists()


def test_a_batch_signed_with_another_token_is_a_401_and_writes_nothing(ledgerly_url):
    assert post_batch(ledgerly_url, [cloud_event("e1")], token="someone else's token").status_code == 401
    assert not InboundEvent.objects.exists()


def test_empty_pushes_with_different_message_numbers_are_two_events(pushy_url):
    first, second = push(pushy_url, "1", state="sync"), push(pushy_url, "2")
    assert (first.status_code, first.json()) == (200, {"received": True})
    assert (second.status_code, second.json()) == (200, {"received": True})
    events = InboundEvent.objects.order_by("id")
    assert [(e.event_id, e.event_type, e.body) for e in events] == [("chan-1:1", "sync", ""), ("chan-1:2", "exists", "")]
    assert events[1].headers["X-Goog-Message-Number"] == "2"


def test_the_same_push_twice_is_one_event(pushy_url):
    assert push(pushy_url, "7").json() == {"received": True}
    assert push(pushy_url, "7").json() == {"received": True, "duplicate": True}
    assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize("kwargs, status", [
    ({"number": "x"}, 400), ({"number": "3", "body": b"{}"}, 400), ({"number": "3", "token": "guess"}, 401)])
def test_a_push_that_is_not_what_the_provider_sends_is_refused_and_writes_nothing(pushy_url, kwargs, status):
    assert push(pushy_url, **kwargs).status_code == status
    assert not InboundEvent.objects.exists()


def test_a_verifier_that_gives_no_id_for_an_empty_body_is_a_programming_error_not_a_duplicate(client, registered):
    headers = {"X-Goog-Channel-ID": "chan-1", "X-Goog-Message-Number": "1", "X-Goog-Channel-Token": CHANNEL_TOKEN}
    with pytest.raises(ValueError, match="must give an event id for a request with an empty body"):
        client.post(f"/integrations/{PushyWithoutIds.key}/events/", b"", content_type="text/plain", headers=headers)
    assert not InboundEvent.objects.exists()
