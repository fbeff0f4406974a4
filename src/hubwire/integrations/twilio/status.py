"""A text's status, moved only forward (models.STATUS_RANK), whatever order Twilio's status
callbacks arrive in, however often: "sent" after "delivered" changes nothing, and among the final
statuses (delivered, undelivered, failed, cancelled) the first to arrive stays.

Each move is a compare-and-set on the row (UPDATE … WHERE status = what was read), so two callbacks
applied at once by two workers never both win, and each change emits its event once, in the same
transaction: sms.sent when the message has left for the carrier (also when "delivered" or
"undelivered" is the first news of it), sms.delivered, and sms.failed (undelivered or failed, with
the reason in words)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.db import transaction
from django.utils import timezone

from hubwire.events.outbox import emit
from hubwire.integrations.twilio import errors
from hubwire.integrations.twilio.events import DELIVERED, FAILED, SENT, message_data
from hubwire.integrations.twilio.models import FINAL, STATUS_RANK, Direction, SmsMessage, SmsStatus

# Statuses Twilio reports for an outbound message (providers.md §6.1) that hubwire keeps; the others
# (read, partially_delivered: WhatsApp and RCS) are left as they are.
FROM_TWILIO = {SmsStatus.ACCEPTED, SmsStatus.SCHEDULED, SmsStatus.QUEUED, SmsStatus.SENDING, SmsStatus.SENT,
               SmsStatus.DELIVERED, SmsStatus.UNDELIVERED, SmsStatus.FAILED, SmsStatus.CANCELED}
LEFT_FOR_THE_CARRIER = {SmsStatus.SENT, SmsStatus.DELIVERED, SmsStatus.UNDELIVERED}
NOT_DELIVERED = {SmsStatus.UNDELIVERED, SmsStatus.FAILED}
# How often a move is tried again when another writer changed the row between read and write.
RACE_RETRIES = 5


def events_for(old: str, new: str) -> list:
    found = []
    if new in LEFT_FOR_THE_CARRIER and STATUS_RANK[old] < STATUS_RANK[SmsStatus.SENT]:
        found.append(SENT)
    if new == SmsStatus.DELIVERED:
        found.append(DELIVERED)
    elif new in NOT_DELIVERED:
        found.append(FAILED)
    return found


def status_advance(message: SmsMessage, status: str, *, error_code: str = "", error: str = "") -> str:
    """Move `message` to `status` if that is forward; returns the old status when it moved, else ""
    (the message is refreshed either way). An error is recorded only with a status that ends it."""
    rank = STATUS_RANK[SmsStatus(status)]
    for _ in range(RACE_RETRIES):
        current = SmsMessage.objects.filter(pk=message.pk).values_list("status", flat=True).first()
        if current is None or STATUS_RANK[current] >= rank:
            message.refresh_from_db()
            return ""
        changes = {"status": status, "status_at": timezone.now()}
        if status in NOT_DELIVERED:
            changes |= {"error_code": error_code[:10], "error": error}
        with transaction.atomic():
            if not SmsMessage.objects.filter(pk=message.pk, status=current).update(**changes):
                continue  # someone moved it meanwhile: read again
            message.refresh_from_db()
            for event in events_for(current, status):
                emit(workspace=message.workspace, type=event.name, data=message_data(message), actor="twilio")
        return current
    raise RuntimeError(f"SMS {message.pk}: its status kept changing under hubwire; try again")


def apply_callback(event) -> str:
    """A stored status callback (an InboundEvent whose body is Twilio's form: MessageSid,
    MessageStatus, ErrorCode…) applied to the message it is about; returns what happened, in words."""
    form = dict(parse_qsl(event.body, keep_blank_values=True))
    sid, status = form.get("MessageSid", "").strip(), form.get("MessageStatus", "").strip().lower()
    if not sid or not status:
        return "ignored: a status callback without MessageSid or MessageStatus"
    if status not in FROM_TWILIO:
        return f"ignored: hubwire keeps no “{status[:40]}” status for a text"
    if event.connection is None:
        return "ignored: a status callback that did not come on a connection's own URL"
    message = (SmsMessage.objects.select_related("workspace", "conversation")
               .filter(workspace_id=event.connection.workspace_id, twilio_sid=sid, direction=Direction.OUTBOUND)
               .first())
    if message is None:
        return (f"ignored: no text hubwire sent in this workspace has Twilio id {sid[:40]} "
                "(sent from elsewhere, or deleted since)")
    code = form.get("ErrorCode", "").strip()
    old = status_advance(message, status, error_code=code, error=errors.delivery_error(code))
    if old:
        return f"{message.pk}: {old} → {status}"
    if message.status in FINAL:
        return f"{message.pk}: stays {message.status} (a final status stays; {status} came after it)"
    return f"{message.pk}: stays {message.status} ({status} is not further along)"
