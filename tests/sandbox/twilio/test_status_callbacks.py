"""Status progression and signed status callbacks (providers.md §6.1-6.2): queued (or accepted through
a Messaging Service) → sending → sent → delivered, each change after the initial one posted to
StatusCallback as a form signed with X-Twilio-Signature, which the twilio package's RequestValidator
accepts; failures on demand (undelivered 30003/30005/30006, failed); and the §6.2 signature vector."""

import pytest
from twilio.request_validator import RequestValidator

from hubwire.sandbox.models import Call
from hubwire.sandbox.twilio import ACCOUNT_SID, signing
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import (BARE, PERSON, POOLED, POOLED_TOO, SERVICE_SID, advance, form_of, send,
                                           signed_by_twilio, statuses)

pytestmark = SANDBOX_DB
CALLBACK_PARAMS = {"MessageSid", "SmsSid", "AccountSid", "From", "To", "MessageStatus", "SmsStatus", "ApiVersion"}


def test_a_message_moves_queued_sending_sent_delivered_with_a_signed_callback_for_each_change(sandbox, api, receiver):
    url = receiver.url("/status")
    sent = send(api, To=PERSON, From=BARE, Body="Reminder", StatusCallback=url)
    assert receiver.requests == []  # no callback for the initial status

    assert advance(sandbox) == 1 and statuses(receiver) == ["sending"]
    assert advance(sandbox, seconds=1) == 1  # its one segment has left: 1 segment a second
    assert advance(sandbox, seconds=1) == 1 and statuses(receiver) == ["sending", "sent", "delivered"]
    assert advance(sandbox, seconds=60) == 0  # nothing after delivered

    for received in receiver.to("/status"):
        assert signed_by_twilio(received, url)
        assert received.headers["content-type"] == "application/x-www-form-urlencoded"
        form = form_of(received)
        assert set(form) == CALLBACK_PARAMS
        assert (form["MessageSid"], form["SmsSid"], form["AccountSid"]) == (sent["sid"], sent["sid"], ACCOUNT_SID)
        assert (form["From"], form["To"], form["ApiVersion"]) == (BARE, PERSON, "2010-04-01")
        assert form["SmsStatus"] == form["MessageStatus"]
    fetched = api.get(f"/Messages/{sent['sid']}.json").json()
    assert fetched["status"] == "delivered" and fetched["date_sent"] == "Mon, 03 Mar 2031 09:00:01 +0000"
    assert fetched["date_updated"] == "Mon, 03 Mar 2031 09:00:02 +0000"


def test_through_a_service_accepted_moves_to_queued_with_a_callback_to_the_services_url(sandbox, api, messaging,
                                                                                       receiver):
    url = receiver.url("/service-status?tenant=7")
    assert messaging.post(f"/Services/{SERVICE_SID}", data={"StatusCallback": url}).status_code == 200
    send(api, To=PERSON, MessagingServiceSid=SERVICE_SID, Body="Hello")
    advance(sandbox, everything=True)

    posts = receiver.to("/service-status?tenant=7")
    assert statuses(receiver, "/service-status?tenant=7") == ["queued", "sending", "sent", "delivered"]
    assert all(signed_by_twilio(p, url) for p in posts)  # the query string is signed too
    assert all(form_of(p)["MessagingServiceSid"] == SERVICE_SID for p in posts)
    assert {form_of(p)["From"] for p in posts} < {POOLED, POOLED_TOO}


def test_a_messages_own_status_callback_wins_over_its_services(sandbox, api, messaging, receiver):
    messaging.post(f"/Services/{SERVICE_SID}", data={"StatusCallback": receiver.url("/service")})
    send(api, To=PERSON, MessagingServiceSid=SERVICE_SID, Body="Hello", StatusCallback=receiver.url("/own"))
    advance(sandbox, everything=True)
    assert len(receiver.to("/own")) == 4 and receiver.to("/service") == []


def test_without_a_status_callback_nothing_is_posted(sandbox, api):
    send(api, To=PERSON, From=BARE, Body="Quiet")
    assert advance(sandbox, everything=True) == 3
    assert not Call.objects.filter(host="hubwire").exists()


@pytest.mark.parametrize("code", [30003, 30005, 30006])
def test_a_number_made_to_fail_ends_undelivered_with_the_code_asked_for(sandbox, api, receiver, code):
    assert sandbox.control("twilio-fail-next", to=PERSON, status="undelivered", error_code=code)["remaining"] == 1
    failing = send(api, To=PERSON, From=BARE, Body="x", StatusCallback=receiver.url("/status"))
    advance(sandbox, everything=True)
    assert statuses(receiver) == ["sending", "sent", "undelivered"]
    assert form_of(receiver.to("/status")[-1])["ErrorCode"] == str(code)
    fetched = api.get(f"/Messages/{failing['sid']}.json").json()
    assert (fetched["status"], fetched["error_code"]) == ("undelivered", code) and fetched["error_message"]

    send(api, To=PERSON, From=BARE, Body="y", StatusCallback=receiver.url("/next"))  # only the next one failed
    advance(sandbox, everything=True)
    assert statuses(receiver, "/next") == ["sending", "sent", "delivered"]


def test_a_failed_message_never_reaches_sent(sandbox, api, receiver):
    sandbox.control("twilio-fail-next", to=PERSON, status="failed", error_code=30008, count=2)
    for n in range(2):
        send(api, To=PERSON, From=BARE, Body=f"x{n}", StatusCallback=receiver.url(f"/status{n}"))
    advance(sandbox, everything=True)
    assert statuses(receiver, "/status0") == statuses(receiver, "/status1") == ["sending", "failed"]
    assert form_of(receiver.to("/status1")[-1])["ErrorCode"] == "30008"


@pytest.mark.parametrize("data", [{"to": PERSON, "status": "delivered", "error_code": 30003},
                                  {"to": PERSON, "status": "failed", "error_code": 30003},
                                  {"to": "not a number", "status": "failed", "error_code": 30008},
                                  {"to": PERSON, "status": "failed", "error_code": 30008, "count": 0},
                                  {"status": "failed", "error_code": 30008}])
def test_the_failure_hook_refuses_what_twilio_would_never_do(sandbox, data):
    import httpx

    response = httpx.post(f"{sandbox.base_url}/sandbox/_control/twilio-fail-next/", json=data, timeout=30)
    assert response.status_code == 400 and "error" in response.json()


def test_callbacks_of_several_messages_go_in_the_order_their_changes_happened(sandbox, api, receiver):
    url = receiver.url("/status")
    first = send(api, To=PERSON, From=BARE, Body="a" * 400, StatusCallback=url)  # 3 segments: 3 seconds
    second = send(api, To="+14155550199", From=POOLED, Body="short", StatusCallback=url)
    advance(sandbox, everything=True)
    order = [(form_of(r)["MessageSid"], form_of(r)["MessageStatus"]) for r in receiver.to("/status")]
    assert order == [(first["sid"], "sending"), (second["sid"], "sending"), (second["sid"], "sent"),
                     (second["sid"], "delivered"), (first["sid"], "sent"), (first["sid"], "delivered")]


def test_the_signature_matches_the_providers_md_vector_and_the_official_validator():
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234", "From": "+12349013030",
              "To": "+18005551212"}
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert signing.signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert RequestValidator("12345").validate(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    altered = {**params, "Digits": "1235"}
    assert not RequestValidator("12345").validate(url, altered, signing.signature("12345", url, params))


def test_under_hubwire_run_beat_delivers_what_is_due_without_anyone_asking(sandbox, api, receiver, settings):
    from hubwire.jobs.periodic import PERIODIC, remove_periodic
    from hubwire.sandbox.twilio import tasks

    send(api, To=PERSON, From=BARE, Body="Reminder", StatusCallback=receiver.url("/status"))
    settings.HUBWIRE_SANDBOX_TWILIO_DELIVERS = False  # the tests' default: a test decides
    assert tasks.deliver_due() == 0 and receiver.requests == []

    settings.HUBWIRE_SANDBOX_TWILIO_DELIVERS = True  # as `hubwire run` sets it
    tasks.declare()
    try:
        assert PERIODIC["sandbox-twilio-deliver"].task == "hubwire.sandbox.twilio.deliver_due"
        assert PERIODIC["sandbox-twilio-deliver"].every == tasks.EVERY_SECONDS
        assert tasks.deliver_due() == 1 and statuses(receiver) == ["sending"]
        sandbox.control("clock", seconds=2)
        assert tasks.deliver_due() == 2 and statuses(receiver) == ["sending", "sent", "delivered"]
    finally:
        remove_periodic("sandbox-twilio-deliver")
