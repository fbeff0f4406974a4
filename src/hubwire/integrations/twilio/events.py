"""SMS event types in the event catalog, so that webhooks and Zapier see them. Each carries the
message as SmsMessageOut. (sms.received is declared with the inbound code.)"""

from datetime import datetime

from ninja import Field, Schema

from hubwire.crm.schemas import choices
from hubwire.events.catalog import define
from hubwire.integrations.twilio.models import Direction, SmsMessage, SmsStatus


class SmsMessageOut(Schema):
    id: int
    conversation_id: int
    contact_id: int | None = Field(description="The contact the conversation is with, when hubwire knows them.")
    phone: str = Field(description="The other side's number, E.164.")
    direction: choices(Direction)
    body: str
    segments: int = Field(description="How many SMS segments it takes (what Twilio bills).")
    encoding: str = Field(description="GSM-7 or UCS-2.")
    status: choices(SmsStatus)
    error_code: str = Field(description="Twilio's error code, when it failed.")
    error: str = Field(description="Why it failed, in words.")
    twilio_sid: str | None
    sender: str = Field(description="The number (E.164) or Messaging Service (MG…) it was sent from.")
    template: str
    automated: bool
    created_at: datetime
    status_at: datetime | None


def message_data(message: SmsMessage) -> dict:
    conversation = message.conversation
    return SmsMessageOut.model_validate({
        "id": message.pk, "conversation_id": conversation.pk, "contact_id": conversation.contact_id,
        "phone": conversation.phone, "direction": message.direction, "body": message.body,
        "segments": message.segments, "encoding": message.encoding, "status": message.status,
        "error_code": message.error_code, "error": message.error, "twilio_sid": message.twilio_sid,
        "sender": message.sender, "template": message.template, "automated": message.automated,
        "created_at": message.created_at, "status_at": message.status_at,
    }).model_dump(mode="json")


SENT = define("sms.sent", SmsMessageOut, "Twilio handed a text message to the carrier.")
DELIVERED = define("sms.delivered", SmsMessageOut, "A text message reached the recipient's phone (the carrier "
                                                   "confirmed it).")
FAILED = define("sms.failed", SmsMessageOut, "A text message could not be sent or delivered; `error` says why.")
