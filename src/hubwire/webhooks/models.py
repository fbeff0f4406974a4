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
    disabled_reason = models.TextField(blank=True)
    failing_since = models.DateTimeField(null=True, blank=True, help_text="First failure of the current streak.")
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return self.enabled and (not self.event_types or event_type in self.event_types)


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
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
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
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


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
