"""A person texting one of the account's numbers (the `twilio-inbound` hook): the message is stored
(direction inbound, status received) and posted to the number's sms_url, or its Messaging Service's
inbound_request_url, with the parameters of Twilio's webhook request, signed so that the twilio
package's RequestValidator accepts it; a TwiML answer's <Message> goes back to the person."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from twilio.request_validator import RequestValidator

from hubwire.sandbox.models import Call
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.models import Message
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import (BARE, PERSON, POOLED, SERVICE_SID, advance, form_of, point,
                                           signed_by_twilio, text_in)
from tests.sandbox.twilio.schema import validate_list, validate_message
from tests.webhooks.receiver import Answer

pytestmark = SANDBOX_DB
WEBHOOK_PARAMS = {"MessageSid", "SmsSid", "SmsMessageSid", "AccountSid", "From", "To", "Body", "NumMedia",
                  "NumSegments", "SmsStatus", "ApiVersion", "FromCountry", "FromState", "FromCity", "FromZip",
                  "ToCountry", "ToState", "ToCity", "ToZip"}


def test_a_text_is_stored_and_posted_signed_to_the_numbers_sms_url(sandbox, api, receiver):
    url = receiver.url("/sms?connection=abc")
    point(api, BARE, url)
    stored = validate_message(text_in(sandbox, "Running 5 minutes late 🙏"))
    assert (stored["direction"], stored["status"]) == ("inbound", "received")
    assert (stored["from"], stored["to"]) == (PERSON, BARE)
    assert stored["date_sent"] == "Mon, 03 Mar 2031 09:00:00 +0000" and stored["num_segments"] == "1"

    [posted] = receiver.to("/sms?connection=abc")
    assert signed_by_twilio(posted, url)
    form = form_of(posted)
    assert set(form) == WEBHOOK_PARAMS
    assert (form["MessageSid"], form["SmsSid"], form["SmsMessageSid"]) == (stored["sid"],) * 3
    assert (form["From"], form["To"], form["Body"], form["AccountSid"]) == (PERSON, BARE, "Running 5 minutes late 🙏",
                                                                          ACCOUNT_SID)
    assert (form["SmsStatus"], form["NumMedia"], form["NumSegments"], form["ApiVersion"]) == ("received", "0", "1",
                                                                                              "2010-04-01")
    assert (form["FromCountry"], form["ToCountry"]) == ("US", "US")
    listed = validate_list(api.get("/Messages.json", params={"From": PERSON}).json())["messages"]
    assert [m["sid"] for m in listed] == [stored["sid"]]


def test_a_forged_or_altered_post_would_fail_the_validator(sandbox, api, receiver):
    url = receiver.url("/sms")
    point(api, BARE, url)
    text_in(sandbox, "hello")
    [posted] = receiver.to("/sms")
    validator = RequestValidator(AUTH_TOKEN)
    assert not validator.validate(url, {**form_of(posted), "Body": "hello!"}, posted.headers["x-twilio-signature"])
    assert not RequestValidator("0" * 32).validate(url, form_of(posted), posted.headers["x-twilio-signature"])


def test_a_service_number_posts_to_the_services_url_unless_it_defers_to_the_number(sandbox, api, messaging, receiver):
    point(api, POOLED, receiver.url("/number"))
    messaging.post(f"/Services/{SERVICE_SID}", data={"InboundRequestUrl": receiver.url("/service")})
    text_in(sandbox, "to the service", to=POOLED)
    [posted] = receiver.to("/service")
    assert form_of(posted)["MessagingServiceSid"] == SERVICE_SID and signed_by_twilio(posted, receiver.url("/service"))
    assert receiver.to("/number") == []

    messaging.post(f"/Services/{SERVICE_SID}", data={"UseInboundWebhookOnNumber": "true"})
    text_in(sandbox, "to the number", to=POOLED)
    assert [form_of(r)["Body"] for r in receiver.to("/number")] == ["to the number"]


def test_a_twiml_answer_is_sent_back_to_the_person(sandbox, api, receiver):
    point(api, BARE, receiver.url("/sms"))
    receiver.answer("/sms", Answer(headers={"Content-Type": "text/xml"}, body=(
        b'<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks, see you at 10.</Message>'
        b'<Message><Body>Reply STOP to stop.</Body></Message></Response>')))
    text_in(sandbox, "Are we still on?")
    replies = Message.objects.filter(direction="outbound-reply").order_by("id")
    assert [(m.from_number, m.to, m.body) for m in replies] == [(BARE, PERSON, "Thanks, see you at 10."),
                                                                 (BARE, PERSON, "Reply STOP to stop.")]
    advance(sandbox, everything=True)
    assert set(Message.objects.filter(direction="outbound-reply").values_list("status", flat=True)) == {"delivered"}


@pytest.mark.parametrize("answer", [b"<Response/>", b"not xml at all", b"<Response><Message>unclosed", b""])
def test_an_empty_or_broken_answer_sends_nothing_back(sandbox, api, receiver, answer):
    point(api, BARE, receiver.url("/sms"))
    receiver.answer("/sms", Answer(body=answer))
    text_in(sandbox, "hello")
    assert not Message.objects.filter(direction="outbound-reply").exists()


def test_a_number_without_a_webhook_keeps_the_text_and_tells_nobody(sandbox, api):
    text_in(sandbox, "hello")
    assert Message.objects.filter(direction="inbound").count() == 1
    assert not Call.objects.filter(host="hubwire").exists()


def test_a_get_webhook_carries_the_parameters_in_its_signed_query(sandbox, api):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append((self.path, self.headers.get("X-Twilio-Signature")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/sms?connection=abc"
        point(api, BARE, base, "get")
        text_in(sandbox, "by GET")
    finally:
        server.shutdown()
        server.server_close()
    [(path, signature)] = received
    query = dict(parse_qsl(urlsplit(path).query))
    assert query["Body"] == "by GET" and query["connection"] == "abc"
    assert RequestValidator(AUTH_TOKEN).validate(f"http://127.0.0.1:{server.server_port}{path}", {}, signature)


@pytest.mark.parametrize(("data", "words"), [
    ({"from": "555-0123", "to": BARE, "body": "x"}, "from"),
    ({"from": PERSON, "to": "+12125550000", "body": "x"}, "to"),
    ({"from": BARE, "to": BARE, "body": "x"}, "from"),
    ({"from": PERSON, "to": BARE, "body": "   "}, "body"),
    ({"from": PERSON, "to": BARE, "body": "a" * 1601}, "body"),
    ({"from": PERSON, "to": BARE}, "body"),
])
def test_the_inbound_hook_refuses_a_text_twilio_could_not_carry_and_stores_nothing(sandbox, data, words):
    response = httpx.post(f"{sandbox.base_url}/sandbox/_control/twilio-inbound/", json=data, timeout=30)
    assert response.status_code == 400 and words in response.json()["error"]
    assert not Message.objects.exists()
