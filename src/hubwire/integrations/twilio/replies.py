"""Texts people send to the business (a stored `twilio.message.received` event, inbound.py): each
lands in the one conversation with its sender's number, attached to the workspace's contact with that
number, as a received message counted unread until someone on the team opens the conversation. An
opt-out or opt-in keyword acts at once (optout.py). The event `sms.received` tells webhooks and Zapier.

Twilio's message id is stored once (SmsMessage.twilio_sid is unique): the inbound receiver already
keeps one event per MessageSid, and this holds even if the same text reached hubwire another way."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from ninja import Schema

from hubwire.events.catalog import define
from hubwire.events.outbox import emit
from hubwire.integrations.twilio import optout
from hubwire.integrations.twilio.conversations import conversation_for
from hubwire.integrations.twilio.models import Conversation, Direction, SmsMessage, SmsStatus
from hubwire.integrations.twilio.segments import segments


class SmsReceivedOut(Schema):
    id: int
    conversation_id: int
    contact_id: int | None
    phone: str
    to: str
    body: str
    segments: int
    encoding: str
    twilio_sid: str
    opted_out: bool
    received_at: datetime


define("sms.received", SmsReceivedOut, "A person texted the business's Twilio number (`phone` is theirs, `to` the "
                                       "business's; `opted_out` is the number's state after this text).")


def receive(event) -> str:
    """Store one received text; what happened, in words."""
    connection = event.connection
    if connection is None:
        return "ignored: the Twilio connection it came for no longer exists"
    form = dict(parse_qsl(event.body, keep_blank_values=True))
    sid, phone, to, body = form["MessageSid"], form["From"].strip(), form["To"].strip(), form.get("Body", "")
    workspace = connection.workspace
    now = timezone.now()
    with transaction.atomic():
        conversation = conversation_for(workspace, phone, now=now)
        counted = segments(body)
        try:
            with transaction.atomic():
                message = SmsMessage.objects.create(
                    workspace=workspace, conversation=conversation, direction=Direction.INBOUND, body=body,
                    segments=counted.segments, encoding=counted.encoding, status=SmsStatus.RECEIVED,
                    twilio_sid=sid, sender=to, created_at=now, status_at=now)
        except IntegrityError:
            return f"{sid} from {phone}: already stored"
        Conversation.objects.filter(pk=conversation.pk).update(
            unread=F("unread") + 1, last_message_at=Greatest(F("last_message_at"), now))
        change = optout.apply_keyword(conversation, message)
        emit(workspace=workspace, type="sms.received", data=SmsReceivedOut(
            id=message.pk, conversation_id=conversation.pk, contact_id=conversation.contact_id, phone=phone, to=to,
            body=body, segments=message.segments, encoding=message.encoding, twilio_sid=sid,
            opted_out=conversation.opted_out, received_at=now).model_dump(mode="json"))
    who = f" ({conversation.contact})" if conversation.contact_id else ""
    said = ""
    if change is not None:
        said = f"; {'opted out' if change.opted_out else 'opted back in'} ({change.source})"
    return f"{sid} from {phone}{who}: stored in conversation {conversation.pk}{said}"
