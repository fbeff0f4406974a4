"""Twilio's webhooks on a Twilio connection's own URL, over HTTP on the live server: a text the sandbox
phone sends lands in the contact's conversation; each request is checked with X-Twilio-Signature over
the full public URL and every parameter (by the Auth Token the business pasted) before anything is
stored; a webhook Twilio retries is one message; status callbacks are stored once per status and
handed to the send part; the answer is empty TwiML."""

import hashlib

import httpx
import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from hubwire.crm.services import people
from hubwire.events.models import Event
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import InboundEvent
from hubwire.integrations.twilio.models import Conversation, SmsMessage, SmsStatus
from hubwire.sandbox.models import Call
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.inbound import webhook_params
from hubwire.sandbox.twilio.models import Message
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.twilio.conftest import PERSON, signed_post, text_params

pytestmark = SANDBOX_DB


def nothing_written() -> bool:
    return not (InboundEvent.objects.exists() or SmsMessage.objects.exists() or Conversation.objects.exists()
                or Event.objects.filter(type="sms.received").exists())


def test_a_text_from_the_sandbox_phone_lands_in_the_contacts_conversation(twilio, workspace):
    maya = people.contact_create(workspace=workspace, actor="test", first_name="Maya", phone=PERSON)
    sent = twilio.text_in("Running 5 minutes late 🙏")

    [call] = Call.objects.filter(host="hubwire", note=f"twilio inbound {sent['sid']}")
    assert call.status == 200
    [event] = InboundEvent.objects.all()
    assert (event.event_type, event.event_id, event.account_ref, event.connection_id) == (
        "twilio.message.received", sent["sid"], ACCOUNT_SID, twilio.connection.pk)
    assert not Message.objects.filter(direction="outbound-reply").exists()  # the empty TwiML asks for no reply

    run_jobs()
    event.refresh_from_db()
    [conversation] = Conversation.objects.all()
    assert (conversation.workspace, conversation.phone, conversation.contact, conversation.unread) == (
        workspace, PERSON, maya, 1)
    [message] = SmsMessage.objects.all()
    assert (message.conversation, message.direction, message.status, message.body, message.twilio_sid) == (
        conversation, "inbound", SmsStatus.RECEIVED, "Running 5 minutes late 🙏", sent["sid"])
    assert (message.segments, message.encoding, message.sender) == (1, "UCS-2", twilio.sender)
    assert conversation.last_message_at == message.created_at
    assert event.outcome == f"{sent['sid']} from {PERSON} (Maya): stored in conversation {conversation.pk}"


def test_the_answer_is_empty_twiml(twilio):
    response = signed_post(twilio.inbound_url, text_params(twilio.sender))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def test_a_webhook_retried_five_times_is_one_message(twilio):
    params = text_params(twilio.sender, "Can we move to Thursday?")
    answers = [signed_post(twilio.inbound_url, params) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert all(a.text.endswith("<Response/>") for a in answers)  # Twilio must stop retrying: every answer is a 2xx
    assert InboundEvent.objects.count() == 1

    run_jobs()
    assert signed_post(twilio.inbound_url, params).status_code == 200  # once more, after it was processed
    run_jobs()
    [message] = SmsMessage.objects.all()
    assert message.twilio_sid == params["MessageSid"]
    assert Conversation.objects.get().unread == 1
    assert Event.objects.filter(type="sms.received").count() == 1


def test_the_sandbox_retrying_its_own_post_is_one_message_too(twilio):
    """The same text posted by the sandbox and then by Twilio again (same parameters, same signature)."""
    sent = twilio.text_in("Hello")
    params = webhook_params(Message.objects.get(sid=sent["sid"]))
    assert signed_post(twilio.inbound_url, params).status_code == 200
    run_jobs()
    assert SmsMessage.objects.count() == 1 and InboundEvent.objects.count() == 1


@pytest.mark.parametrize("forgery, status, words", [
    ("signed with another Auth Token", 403, "does not match"),
    ("no signature", 401, "X-Twilio-Signature is missing"),
    ("an empty signature", 401, "X-Twilio-Signature is missing"),
    ("signed for another URL", 403, "does not match"),
    ("signed for the URL without its token", 403, "does not match"),
    ("a parameter added after signing", 403, "does not match"),
    ("a parameter changed after signing", 403, "does not match"),
    ("a parameter dropped after signing", 403, "does not match"),
])
def test_a_forged_request_is_refused_and_nothing_is_written(twilio, forgery, status, words):
    url = twilio.inbound_url
    params = text_params(twilio.sender)
    sent, kwargs = dict(params), {}
    if forgery == "signed with another Auth Token":
        kwargs["token"] = "0" * 32
    elif forgery == "no signature":
        kwargs["signature"] = None
    elif forgery == "an empty signature":
        kwargs["signature"] = ""
    elif forgery == "signed for another URL":
        kwargs["signed_url"] = url.replace("/events/", "/events/x")
    elif forgery == "signed for the URL without its token":
        kwargs["signed_url"] = url.rsplit("/", 2)[0] + "/"
    elif forgery == "a parameter added after signing":
        sent["Body2"] = "and one more thing"
    elif forgery == "a parameter changed after signing":
        sent["Body"] = "Send me your card number"
    else:
        del sent["NumSegments"]
    response = signed_post(url, sent, signed_params=params, **kwargs)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    assert nothing_written()


def test_the_installations_shared_url_and_an_unknown_token_are_404(twilio):
    params = text_params(twilio.sender)
    shared = twilio.sandbox.base_url + reverse("integrations:events", args=["twilio"])
    made_up = twilio.sandbox.base_url + reverse("integrations:connection_events", args=["twilio", "x" * 43])
    for url in (shared, made_up):
        assert signed_post(url, params).status_code == 404, url
    assert nothing_written()


def test_behind_a_proxy_the_public_url_is_what_is_checked(twilio, settings):
    """Twilio signs the URL it called: the proxy's public one, never the address hubwire listens on."""
    internal = twilio.inbound_url
    settings.HUBWIRE_BASE_URL = "https://sms.northwind.example"
    public = connection_inbound_url(connection=twilio.connection)
    assert public == "https://sms.northwind.example" + internal.removeprefix(twilio.sandbox.base_url)
    params = text_params(twilio.sender)

    assert signed_post(internal, params).status_code == 403  # signed over the address the proxy forwards to
    assert nothing_written()
    assert signed_post(internal, params, signed_url=public).status_code == 200
    # Twilio's validator also accepts the URL with the scheme's port written out (providers.md §6.2).
    other = text_params(twilio.sender)
    port = public.replace("northwind.example/", "northwind.example:443/")
    assert signed_post(internal, other, signed_url=port).status_code == 200
    assert InboundEvent.objects.count() == 2


@pytest.mark.parametrize("change, words", [
    ({"MessageSid": ""}, "MessageSid is missing"),
    ({"MessageSid": "SM123"}, "MessageSid is not a Twilio message id"),
    ({"From": ""}, "From is missing"),
    ({"To": None}, "To is missing"),
    ({"From": "+1" + "5" * 30}, "From is longer than a phone number"),
    ({"MessageStatus": ""}, "MessageStatus is missing"),
    ({"MessageStatus": "Delivered!"}, "MessageStatus is not a status word"),
])
def test_a_signed_request_missing_what_hubwire_reads_is_a_400_naming_it(twilio, change, words):
    params = {k: v for k, v in {**text_params(twilio.sender), **change}.items() if v is not None}
    response = signed_post(twilio.inbound_url, params)
    assert response.status_code == 400 and words in response.json()["error"]
    assert nothing_written()


def test_a_signed_json_body_is_a_400_not_a_500(twilio):
    body = b'{"MessageSid": "SM00000000000000000000000000000000"}'
    url = f"{twilio.inbound_url}?bodySHA256={hashlib.sha256(body).hexdigest()}"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, {})
    response = httpx.post(url, content=body, headers={"Content-Type": "application/json",
                                                      "X-Twilio-Signature": signature}, timeout=60)
    assert response.status_code == 400 and "form posts" in response.json()["error"]
    assert nothing_written()


def test_status_callbacks_are_stored_once_per_status_and_handed_to_the_send_part(twilio):
    """A text sent through the sandbox with StatusCallback = the connection's URL: Twilio's own signed
    callbacks (sending, sent, delivered) arrive and are stored; a repeat is the same event."""
    with twilio.api() as api:
        created = api.post("/Messages.json", data={"To": PERSON, "From": twilio.sender, "Body": "See you at 10",
                                                   "StatusCallback": twilio.inbound_url})
    assert created.status_code == 201, created.text
    sid = created.json()["sid"]
    twilio.control("twilio-advance", everything=True)

    events = list(InboundEvent.objects.order_by("pk"))
    assert [(e.event_type, e.event_id) for e in events] == [
        ("twilio.message.status", f"{sid}:sending"), ("twilio.message.status", f"{sid}:sent"),
        ("twilio.message.status", f"{sid}:delivered")]
    repeat = {"MessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID, "From": twilio.sender, "To": PERSON,
              "MessageStatus": "delivered", "SmsStatus": "delivered", "ApiVersion": "2010-04-01"}
    assert signed_post(twilio.inbound_url, repeat).status_code == 200
    assert InboundEvent.objects.count() == 3

    run_jobs()
    for event in InboundEvent.objects.all():
        event.refresh_from_db()
        assert sid in event.outcome  # what status.py (the send part) said of it
    assert not SmsMessage.objects.filter(direction="inbound").exists()  # a callback is not a text received
