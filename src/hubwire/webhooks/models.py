"""Outbound webhook endpoints, one delivery per (endpoint, event), one attempt row per try."""

from django.db import models
from django.utils import timezone

from hubwire.core.crypto import EncryptedJSONField, EncryptedTextField
from hubwire.core.models import Workspace
from hubwire.events.models import Event


class Preset(models.TextChoices):
    GENERIC = "generic", "Generic JSON"
    SLACK = "slack", "Slack incoming webhook"
    ZAPIER = "zapier", "Zapier"
    MAKE = "make", "Make"


class Source(models.TextChoices):
    MANAGER = "manager", "Webhooks Manager"
    REST_HOOK = "rest_hook", "Zapier REST hook subscription"


class Endpoint(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=300, blank=True)
    event_types = models.JSONField(default=list, blank=True, help_text="Event types it wants; empty means all.")
    enabled = models.BooleanField(default=True)
    preset = models.CharField(max_length=10, choices=Preset.choices, default=Preset.GENERIC)
    headers = EncryptedJSONField(blank=True, help_text="Custom request headers (may carry credentials).")
    secret = EncryptedTextField(help_text="whsec_…: signs every delivery.")
    previous_secret = EncryptedTextField(blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True,
                                                 help_text="Until then deliveries carry both signatures.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANAGER,
                              help_text="A REST hook subscription is deleted when its target answers 410.")
    disabled_reason = models.TextField(blank=True)
    failing_since = models.DateTimeField(null=True, blank=True, help_text="First failure of the current streak.")
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One event for one endpoint. `webhook_id` and `body` are fixed at creation, so every retry
    and every resend carries the same id and bytes (receivers deduplicate on the id)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              help_text="None for a test event sent from the Webhooks Manager.")
    event_type = models.CharField(max_length=100)
    webhook_id = models.CharField(max_length=40, unique=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text="Which dispatcher run holds it.")
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]),
                   models.Index(fields=["endpoint", "-created_at"]),
                   models.Index(fields=["created_at"]),  # retention reads the oldest first
                   # the delivery log, newest first, whole or by status or event type
                   models.Index(fields=["workspace", "created_at", "id"]),
                   models.Index(fields=["workspace", "status", "created_at", "id"]),
                   models.Index(fields=["workspace", "event_type", "created_at", "id"])]


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    request_headers = models.JSONField(default=dict, help_text="As sent; custom header values masked.")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["started_at"])]  # retention reads the oldest first


class InboundAction(models.TextChoices):
    LEAD_CREATE = "lead_create", "Create a lead"
    LEAD_UPSERT = "lead_upsert", "Create or update a lead (matched by email)"
    CONTACT_CREATE = "contact_create", "Create a contact"
    MESSAGE_POST = "message_post", "Add a message to an account's conversation"


class InboundAuth(models.TextChoices):
    TOKEN = "token", "Secret token in the URL"
    HMAC = "hmac", "Secret token in the URL and an HMAC-SHA256 signature header"


class InboundHook(models.Model):
    """A URL that turns what other tools post into CRM records. The token in the URL is the secret
    (kept encrypted, found by its hash); with HMAC, the sender also signs the body."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="inbound_hooks")
    name = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=InboundAction.choices)
    auth = models.CharField(max_length=10, choices=InboundAuth.choices, default=InboundAuth.TOKEN)
    token = EncryptedTextField()
    token_hash = models.CharField(max_length=64, unique=True)
    signing_secret = EncryptedTextField(blank=True)
    mapping = models.JSONField(default=dict, blank=True,
                               help_text="CRM field -> where its value is in the payload (a dotted path).")
    idempotency_header = models.CharField(max_length=100, blank=True)
    idempotency_field = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class InboundOutcome(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DUPLICATE = "duplicate", "Duplicate (already processed)"
    REJECTED = "rejected", "Rejected"


class InboundRequest(models.Model):
    """One request to an inbound hook, with what came of it. The idempotency key is unique per
    hook, so a retried request finds the first one's record instead of writing another."""

    hook = models.ForeignKey(InboundHook, on_delete=models.CASCADE, related_name="requests")
    received_at = models.DateTimeField(default=timezone.now)
    content_type = models.CharField(max_length=100, blank=True)
    body_excerpt = models.TextField(blank=True)
    status_code = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=10, choices=InboundOutcome.choices)
    error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    record_type = models.CharField(max_length=20, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"])]  # retention reads the oldest first
        constraints = [models.UniqueConstraint(fields=["hook", "idempotency_key"], name="inbound_idempotency_once")]
