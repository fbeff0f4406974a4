"""STUB in branch sms-send, until sms-inbound's inbound.py lands (it replaces this file and the
provider's three hooks that call it). Only what sending needs: Twilio's signed status callbacks on
the connection's own URL, stored once per (message, status) and applied by status.apply_callback."""

from django.http import HttpResponse

from hubwire.integrations.registry import InboundDelivery, InboundRejected
from hubwire.integrations.signatures import twilio_request_valid
from hubwire.integrations.twilio import status

STATUS_EVENT = "twilio.message.status"


def verify_inbound(request) -> list[InboundDelivery]:
    connection = request.connection
    if connection is None:
        raise InboundRejected("Twilio's requests come on a connection's own URL", status=404)
    token = (connection.credentials or {}).get("auth_token", "")
    if not token or not twilio_request_valid(token, request.url, request.form, request.body,
                                             request.headers.get("X-Twilio-Signature")):
        raise InboundRejected("X-Twilio-Signature missing or wrong", status=403)
    form = dict(request.form)
    if not form.get("MessageSid") or not form.get("MessageStatus"):
        raise InboundRejected("not a status callback (received messages are not handled in this branch)", status=400)
    return [InboundDelivery(event_id=f"{form['MessageSid']}:{form['MessageStatus']}", event_type=STATUS_EVENT,
                            account_ref=form.get("AccountSid", ""))]


def handle_event(event) -> str:
    if event.event_type == STATUS_EVENT:
        return status.apply_callback(event)
    return f"ignored: hubwire does not act on {event.event_type or 'this event'}"


def inbound_answer() -> HttpResponse:
    return HttpResponse("<Response/>", content_type="text/xml")
