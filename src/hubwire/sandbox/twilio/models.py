"""What the sandbox Twilio keeps: the account's phone numbers and Messaging Services, every message
(sent or received) with the steps of its status progression still to come, the blocklist that
opt-out keywords fill, and the failures a test asked for."""

from django.db import models


class Service(models.Model):
    """A Messaging Service (MG…): a pool of the account's numbers sharing inbound and status settings."""

    sid = models.CharField(max_length=34, unique=True)
    account_sid = models.CharField(max_length=34)
    friendly_name = models.CharField(max_length=64)
    inbound_request_url = models.TextField(blank=True)
    inbound_method = models.CharField(max_length=4, default="POST")
    status_callback = models.TextField(blank=True)
    sticky_sender = models.BooleanField(default=True)
    use_inbound_webhook_on_number = models.BooleanField(default=False)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()


class PhoneNumber(models.Model):
    """One of the account's IncomingPhoneNumbers (PN…), and its place in the sender's queue."""

    sid = models.CharField(max_length=34, unique=True)
    account_sid = models.CharField(max_length=34)
    phone_number = models.CharField(max_length=20, unique=True)
    friendly_name = models.CharField(max_length=64)
    sms = models.BooleanField(default=True)
    mms = models.BooleanField(default=True)
    voice = models.BooleanField(default=True)
    sms_url = models.TextField(blank=True)
    sms_method = models.CharField(max_length=4, default="POST")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="numbers")
    queue_free_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sender has sent every segment queued on it so far.")
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()


class Message(models.Model):
    """A Message resource (SM…/MM…). `plan` holds the status changes still to come, each
    [ISO instant, status, error code or null]; `next_step_at` is the first one's instant."""

    sid = models.CharField(max_length=34, unique=True)
    account_sid = models.CharField(max_length=34)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    sender = models.ForeignKey(PhoneNumber, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="sent", help_text="The number whose queue sends it (outbound).")
    from_number = models.CharField(max_length=40, blank=True)
    to = models.CharField(max_length=40, db_index=True)
    body = models.TextField(blank=True)
    num_media = models.PositiveSmallIntegerField(default=0)
    segments = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=16)
    status = models.CharField(max_length=20)
    error_code = models.PositiveIntegerField(null=True, blank=True)
    status_callback = models.TextField(blank=True)
    plan = models.JSONField(default=list)
    next_step_at = models.DateTimeField(null=True, blank=True, db_index=True)
    date_created = models.DateTimeField(db_index=True)
    date_updated = models.DateTimeField()
    date_sent = models.DateTimeField(null=True, blank=True)


class OptOut(models.Model):
    """A blocklist entry: `recipient` texted an opt-out keyword to `scope`, a number (E.164) or, when
    the number belongs to a Messaging Service, the whole Service (its MG sid)."""

    account_sid = models.CharField(max_length=34)
    scope = models.CharField(max_length=40)
    recipient = models.CharField(max_length=40)
    keyword_message_sid = models.CharField(max_length=34, help_text="The inbound message that opted out.")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account_sid", "scope", "recipient"],
                                               name="twilio_opt_out_once")]


class FailureRule(models.Model):
    """The next `remaining` messages to `to` end `status` with `error_code` (a test hook)."""

    to = models.CharField(max_length=40, db_index=True)
    status = models.CharField(max_length=20)
    error_code = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField(default=1)
