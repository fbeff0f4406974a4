"""Conversations made directly in the database, for the tests of the pages that show them (how texts
arrive is tested over HTTP in test_inbound.py and test_replies.py)."""

from datetime import timedelta

from django.utils import timezone

from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.twilio.models import Conversation, SmsMessage, SmsStatus

MAYA, SAM = "+12125551234", "+14155550199"
START = timezone.now() - timedelta(days=30)


def conversation_with(workspace, phone: str, *, received: int = 1, sent: int = 0, contact=None, at=START,
                      read: bool = False) -> Conversation:
    """A conversation holding `received` texts from `phone` then `sent` replies, a minute apart from `at`."""
    conversation = Conversation.objects.create(workspace=workspace, phone=phone, contact=contact, last_message_at=at,
                                               unread=0 if read else received)
    moment = at
    for n in range(received + sent):
        inbound = n < received
        moment = at + timedelta(minutes=n)
        SmsMessage.objects.create(workspace=workspace, conversation=conversation, body=f"text {n + 1}",
                                  direction="inbound" if inbound else "outbound", created_at=moment,
                                  status=SmsStatus.RECEIVED if inbound else SmsStatus.DELIVERED,
                                  read_at=moment if read and inbound else None)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=moment)
    conversation.refresh_from_db()
    return conversation


def connected(workspace) -> Connection:
    """An active Twilio connection with a number chosen to send from (no call to Twilio is made)."""
    return Connection.objects.create(workspace=workspace, provider="twilio", status=ConnectionStatus.ACTIVE,
                                     details={"twilio": {"sender_kind": "number", "sender": "+12025550101",
                                                         "sender_label": "(202) 555-0101"}})
