"""SMS's tables (issue 20): conversations (one per phone number the business texts with), their
messages, the opt-out ledger and the business's own templates. (The durable send job, SmsSend,
lives with the sending code.)

A message's status only moves forward (STATUS_RANK): Twilio's status callbacks may arrive late, twice
or out of order, and a "sent" after "delivered" must not undo it (messages.status_advance)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from hubwire.core.models import Workspace


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "Sent"
    INBOUND = "inbound", "Received"


class SmsStatus(models.TextChoices):
    """Twilio's message statuses hubwire shows (providers.md §6.1), plus hubwire's own before sending."""

    WAITING = "waiting", "Waiting to send"        # hubwire's: the send job has not handed it to Twilio yet
    HELD = "held", "Held for quiet hours"         # hubwire's: an automated message waiting for the morning
    ACCEPTED = "accepted", "Accepted"
    SCHEDULED = "scheduled", "Scheduled"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Not delivered"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Cancelled"
    RECEIVED = "received", "Received"


# How far along each status is. A callback may only move a message to a higher rank; among the final
# statuses (rank 9) the first one to arrive stays.
STATUS_RANK = {SmsStatus.WAITING: 0, SmsStatus.HELD: 0, SmsStatus.ACCEPTED: 1, SmsStatus.SCHEDULED: 1,
               SmsStatus.QUEUED: 2, SmsStatus.SENDING: 3, SmsStatus.SENT: 4, SmsStatus.DELIVERED: 9,
               SmsStatus.UNDELIVERED: 9, SmsStatus.FAILED: 9, SmsStatus.CANCELED: 9, SmsStatus.RECEIVED: 9}
FINAL = {status for status, rank in STATUS_RANK.items() if rank == 9}


class Conversation(models.Model):
    """Every text between the business and one phone number, attached to the contact with that number."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=20, help_text="E.164")
    contact = models.ForeignKey("crm.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="sms_conversations")
    last_message_at = models.DateTimeField(default=timezone.now)
    unread = models.PositiveIntegerField(default=0, help_text="Received messages nobody on the team has read.")
    opted_out = models.BooleanField(default=False, help_text="The number replied STOP (or Twilio said 21610); "
                                                             "the ledger (OptOutChange) says when and why.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "phone"], name="sms_one_conversation_per_phone")]
        indexes = [models.Index(fields=["workspace", "-last_message_at"], name="sms_conversations_latest"),
                   models.Index(fields=["workspace", "contact"], name="sms_conversations_by_contact")]

    def __str__(self) -> str:
        return f"SMS with {self.phone}"


class SmsMessage(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    body = models.TextField()
    # From integrations/twilio/segments.py, the one count shown in the page and billed against.
    segments = models.PositiveSmallIntegerField(default=0)
    encoding = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=12, choices=SmsStatus.choices, default=SmsStatus.WAITING)
    error_code = models.CharField(max_length=10, blank=True)
    error = models.TextField(blank=True, help_text="Why it failed, in words.")
    # Twilio's id (SM…): unique, so a retried webhook or a resent callback never makes a second message.
    twilio_sid = models.CharField(max_length=40, null=True, blank=True, unique=True)
    sender = models.CharField(max_length=40, blank=True, help_text="The number (E.164) or Messaging Service (MG…).")
    template = models.CharField(max_length=60, blank=True, help_text="The template it was written from, if any.")
    automated = models.BooleanField(default=False, help_text="Sent by hubwire on its own (quiet hours apply).")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    send_started_at = models.DateTimeField(null=True, blank=True,
                                           help_text="The create was sent to Twilio; it may have succeeded unseen.")
    created_at = models.DateTimeField(default=timezone.now)
    status_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "created_at"], name="sms_messages_in_order"),
                   models.Index(fields=["workspace", "status"], name="sms_messages_by_status")]

    def __str__(self) -> str:
        return f"{self.direction} SMS {self.twilio_sid or self.pk}: {self.status}"


class OptOutChange(models.Model):
    """The opt-out ledger: every time a number opted out or back in, when, and what said so (a STOP
    or START message, Twilio's 21610, a person on the team)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="opt_out_changes")
    opted_out = models.BooleanField()
    source = models.CharField(max_length=40, help_text="The keyword, 21610, or 'person'.")
    message = models.ForeignKey(SmsMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["conversation", "-at"], name="sms_opt_out_latest")]


class SmsTemplate(models.Model):
    """A template of the business's own (the built-in ones live in code, templates.py)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="sms_template_unique_name")]
