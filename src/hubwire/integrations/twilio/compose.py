"""STUB in the sms-inbound branch: the send part (helper B) owns this module. `send_reply` is the
agreed way the conversation page sends a reply; this stand-in only checks the text and records the
outbound message (status "waiting to send"), leaving the sending itself to B's durable job."""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.integrations.twilio import optout, segments
from hubwire.integrations.twilio.config import active_connection, config_of
from hubwire.integrations.twilio.models import Conversation, Direction, SmsMessage, SmsStatus


def send_reply(conversation: Conversation, body: str, author) -> SmsMessage:
    body = segments.line_breaks_as_typed(body or "")
    if not body.strip():
        raise FieldError(body="Type the text to send.")
    if segments.too_long(body):
        raise FieldError(body="A text holds at most 1,600 characters.")
    if refused := optout.refusal(conversation.workspace, conversation.phone):
        raise FieldError(body=refused)
    counted = segments.segments(body)
    now = timezone.now()
    with transaction.atomic():
        message = SmsMessage.objects.create(
            workspace=conversation.workspace, conversation=conversation, direction=Direction.OUTBOUND, body=body,
            segments=counted.segments, encoding=counted.encoding, status=SmsStatus.WAITING, author=author,
            sender=config_of(active_connection(conversation.workspace)).sender, created_at=now)
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=Greatest(F("last_message_at"), now))
    return message
