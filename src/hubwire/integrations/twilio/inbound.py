"""Twilio's webhooks for one connection (providers.md §6.2): the texts people send to the business's
number, and the status callbacks of the texts hubwire sent. Both come on the connection's own URL
(/integrations/twilio/events/<token>/, inbound_urls.py), because Twilio signs them with the Auth
Token the business pasted: `X-Twilio-Signature` is checked over the full public URL (rebuilt from
HUBWIRE_BASE_URL, so it is the URL Twilio called even behind a proxy) and every form parameter,
before anything is stored.

Each request is one stored event, known by Twilio's message id: a text by its MessageSid, so Twilio
retrying the webhook stores it once; a status callback by MessageSid and status, so "sent" and
"delivered" are two events while a repeated "delivered" is one. A worker then hands the text to
replies.py and the callback to status.py."""

from __future__ import annotations

import re

from django.http import HttpResponse

from hubwire.integrations.registry import InboundDelivery, InboundRejected, InboundRequest
from hubwire.integrations.signatures import twilio_request_valid
from hubwire.integrations.twilio import replies, status

RECEIVED = "twilio.message.received"
STATUS = "twilio.message.status"
HANDLERS = {RECEIVED: replies.receive, STATUS: status.apply_callback}

# Message SIDs are SM (text) or MM (with media) and 32 hexadecimal characters (Twilio's message resource).
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")
STATUS_WORD = re.compile(r"[a-z_]{1,30}")
# Conversation.phone's column: E.164 is at most 15 digits and the "+"; a short code is shorter.
PHONE_MAX = 20
# An empty TwiML document: Twilio sends no automatic reply (providers.md §6.2).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def verify(request: InboundRequest) -> list[InboundDelivery]:
    connection = request.connection
    auth_token = (connection.credentials or {}).get("auth_token", "")
    if not auth_token:
        raise InboundRejected("no Auth Token is saved for this Twilio connection: paste it again on hubwire's SMS "
                              "tab", status=401)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        raise InboundRejected("X-Twilio-Signature is missing", status=401)
    if not twilio_request_valid(auth_token, request.url, request.form, request.body, signature):
        raise InboundRejected("X-Twilio-Signature does not match this connection's Auth Token over this URL and "
                              "these parameters", status=403)
    params = _params(request)
    sid = _required(params, "MessageSid")
    if not MESSAGE_SID.fullmatch(sid):
        raise InboundRejected("MessageSid is not a Twilio message id (SM or MM and 32 hexadecimal characters)",
                              status=400)
    account = params.get("AccountSid", "")
    if params.get("MessageStatus") is not None:
        message_status = _required(params, "MessageStatus")
        if not STATUS_WORD.fullmatch(message_status):
            raise InboundRejected("MessageStatus is not a status word", status=400)
        return [InboundDelivery(event_id=f"{sid}:{message_status}", event_type=STATUS, account_ref=account)]
    for field in ("From", "To"):
        if len(_required(params, field)) > PHONE_MAX:
            raise InboundRejected(f"{field} is longer than a phone number ({PHONE_MAX} characters)", status=400)
    return [InboundDelivery(event_id=sid, event_type=RECEIVED, account_ref=account)]


def _params(request: InboundRequest) -> dict[str, str]:
    """The form's parameters (Twilio's message webhooks are form posts), each name once."""
    if not request.form:
        raise InboundRejected("Twilio's message webhooks are form posts (application/x-www-form-urlencoded) and "
                              "this one has no parameters", status=400)
    params: dict[str, str] = {}
    for name, value in request.form:
        if name in params and params[name] != value:
            raise InboundRejected(f"{name} is given twice with different values", status=400)
        params[name] = value
    return params


def _required(params: dict[str, str], field: str) -> str:
    value = params.get(field, "").strip()
    if not value:
        raise InboundRejected(f"{field} is missing", status=400)
    return value


def answer() -> HttpResponse:
    """What Twilio gets back once the request is stored (or was already): TwiML with nothing to do."""
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")


def handle(event) -> str:
    handler = HANDLERS.get(event.event_type)
    if handler is None:
        return f"ignored: hubwire does not act on {event.event_type or 'this event'}"
    return handler(event)
