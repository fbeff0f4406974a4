"""A person texting one of the account's numbers (the test hook `twilio-inbound` and the phone card):
Twilio stores the inbound message (direction inbound, status received), acts on an opt-out, opt-in or
help keyword (optout.py) with its automatic reply, and posts the message to the number's webhook, its
sms_url, or its Messaging Service's inbound_request_url unless the Service defers to the number
(use_inbound_webhook_on_number), form-encoded and signed with X-Twilio-Signature (providers.md §6.2).
A TwiML answer's <Message> elements are sent back to the person as replies (direction outbound-reply),
unless they opted out. Nothing is retried: the call log shows each post."""

import xml.etree.ElementTree as ElementTree

from hubwire.sandbox import clock
from hubwire.sandbox.twilio import delivery, optout, queue, segments, wire
from hubwire.sandbox.twilio.account import ACCOUNT_SID, seed
from hubwire.sandbox.twilio.messages import queue_outbound
from hubwire.sandbox.twilio.models import Message, PhoneNumber

TWIML_LIMIT = 64 * 1024  # [U] the most of an answer the sandbox reads as TwiML


class Refused(ValueError):
    """A text the sandbox cannot take, naming the field at fault (a ValueError: the control view's 400)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _checked(from_: str, to: str, body: str) -> PhoneNumber:
    if not wire.is_e164(from_):
        raise Refused("from", f"{from_!r} is not a phone number in international form, e.g. +14155550123.")
    number = PhoneNumber.objects.select_related("service").filter(account_sid=ACCOUNT_SID, phone_number=to).first()
    if number is None:
        raise Refused("to", f"{to!r} is not one of the sandbox account's numbers.")
    if number.phone_number == from_:
        raise Refused("from", "A number cannot text itself.")
    if not body.strip():
        raise Refused("body", "Type the text to send.")
    if len(body) > wire.BODY_LIMIT or "\x00" in body:
        raise Refused("body", f"A text holds at most {wire.BODY_LIMIT} characters, and no NUL.")
    return number


def webhook_of(number: PhoneNumber) -> tuple[str, str]:
    """Where Twilio posts the number's inbound messages, and how: (url, method); url "" for nowhere."""
    service = number.service
    if service and service.inbound_request_url and not service.use_inbound_webhook_on_number:
        return service.inbound_request_url, service.inbound_method
    return number.sms_url, number.sms_method


def webhook_params(message: Message) -> dict[str, str]:
    """The inbound message request's parameters (twilio.com/docs/messaging/guides/webhook-request);
    the city, state and zip fields are there, empty, as Twilio sends them when it does not know."""
    params = {"MessageSid": message.sid, "SmsSid": message.sid, "SmsMessageSid": message.sid,
              "AccountSid": message.account_sid, "From": message.from_number, "To": message.to,
              "Body": message.body, "NumMedia": "0", "NumSegments": str(message.segments),
              "SmsStatus": "received", "ApiVersion": wire.API_VERSION,
              "FromCountry": wire.country_of(message.from_number), "ToCountry": wire.country_of(message.to)}
    params |= {f"{side}{part}": "" for side in ("From", "To") for part in ("City", "State", "Zip")}
    if message.service:
        params["MessagingServiceSid"] = message.service.sid
    return params


def twiml_replies(response) -> list[str]:
    """The bodies of the <Message> verbs in a webhook's TwiML answer (a <Body> inside one, or its text)."""
    if response is None or not 200 <= response.status_code < 300 or len(response.content) > TWIML_LIMIT:
        return []
    text = response.text.strip()
    if not text.startswith("<"):
        return []
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return []  # Twilio logs 12100 (document parse failure) and sends nothing
    if root.tag != "Response":
        return []
    replies = []
    for verb in root.iter("Message"):
        inner = verb.find("Body")
        body = ((inner.text if inner is not None else verb.text) or "").strip()
        if body:
            replies.append(body[:wire.BODY_LIMIT])
    return replies


def reply(number: PhoneNumber, to: str, body: str) -> Message:
    """Send `body` from the number to the person, queued on the number like any message."""
    count = segments.count(body)
    return queue_outbound(account_sid=number.account_sid, to=to, body=body, sender=number,
                          from_number=number.phone_number, service=number.service, direction="outbound-reply",
                          start=queue.reserve(number, count, clock.now()))


def receive(*, from_: str, to: str, body: str) -> Message:
    """The person on `from_` texts `body` to the account's number `to`; the stored inbound message."""
    seed()
    number = _checked(from_, to, body)
    now = clock.now()
    message = Message.objects.create(
        sid=wire.new_sid("SM"), account_sid=number.account_sid, service=number.service, from_number=from_, to=to,
        body=body, segments=segments.count(body), direction="inbound", status="received", date_created=now,
        date_updated=now, date_sent=now)
    kind = optout.keyword_kind(body)
    if kind:
        optout.record(number, from_, kind, message.sid)
    url, method = webhook_of(number)
    answer = delivery.post_form(url, method, webhook_params(message), f"twilio inbound {message.sid}") if url else None
    if kind:
        reply(number, from_, optout.REPLIES[kind])
    if not optout.is_blocked(number.account_sid, from_, sender=number.phone_number, service=number.service):
        for text in twiml_replies(answer):
            reply(number, from_, text)
    return message
