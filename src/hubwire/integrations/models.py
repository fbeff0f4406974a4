"""A workspace's connection to each provider, the OAuth states in flight, and inbound provider events."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from hubwire.core.crypto import EncryptedJSONField, EncryptedTextField
from hubwire.core.models import Workspace
from hubwire.jobs.models import DurableJob
from hubwire.jobs.registry import register


class ConnectionStatus(models.TextChoices):
    NOT_CONNECTED = "not_connected", "Not connected"
    SETUP_INCOMPLETE = "setup_incomplete", "Setup incomplete"
    ACTIVE = "active", "Active"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"


# The status cards' colours (architecture principle 7), and which state wins when a provider has
# several modes (Stripe test and live): the one that most needs the user's eye.
STATUS_COLOUR = {
    ConnectionStatus.NOT_CONNECTED: "grey",
    ConnectionStatus.SETUP_INCOMPLETE: "orange",
    ConnectionStatus.ACTIVE: "green",
    ConnectionStatus.NEEDS_ATTENTION: "red",
}
STATUS_URGENCY = [ConnectionStatus.NEEDS_ATTENTION, ConnectionStatus.SETUP_INCOMPLETE,
                  ConnectionStatus.ACTIVE, ConnectionStatus.NOT_CONNECTED]


class Connection(models.Model):
    """One workspace + provider + mode. No row means never connected."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="connections")
    provider = models.CharField(max_length=40)
    mode = models.CharField(max_length=10, blank=True, help_text="'test' or 'live' for providers with modes.")
    status = models.CharField(max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.NOT_CONNECTED)
    status_reason = models.TextField(blank=True, help_text="What is missing or wrong, in plain words.")

    external_account_id = models.CharField(max_length=200, blank=True,
                                           help_text="The provider's id for the connected account (realmId, stripe_user_id, …).")
    account_name = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="Non-secret facts the provider gave us.")
    scopes = models.TextField(blank=True)

    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    credentials = EncryptedJSONField(blank=True, help_text="API credentials the business pasted.")
    # The secret in this connection's own event URL (inbound_urls.py): encrypted so the tab can show
    # the URL again, and found by its SHA-256. Null until first needed (unique allows many nulls).
    inbound_token = EncryptedTextField(blank=True)
    inbound_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    connected_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "provider", "mode"], name="one_connection_per_mode")]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject(self) -> str:
        return f"{self.provider} ({self.mode})" if self.mode else self.provider

    @property
    def colour(self) -> str:
        return STATUS_COLOUR[self.status]

    def access_token_fresh(self, margin: timedelta = timedelta(minutes=5)) -> bool:
        if not self.access_token:
            return False
        return self.access_token_expires_at is None or self.access_token_expires_at - margin > timezone.now()

    def clear_tokens(self) -> None:
        self.access_token = self.refresh_token = ""
        self.access_token_expires_at = self.refresh_token_expires_at = None


def hash_state(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


class OAuthState(models.Model):
    """An authorization request in flight. The state value itself is never stored, only its hash;
    it is single-use and bound to the session, user and workspace that started it."""

    LIFETIME = timedelta(minutes=15)

    state_hash = models.CharField(max_length=64, unique=True)
    session_hash = models.CharField(max_length=64)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    provider = models.CharField(max_length=40)
    mode = models.CharField(max_length=10, blank=True)
    code_verifier = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)


@register
class InboundEvent(DurableJob):
    """A provider's webhook, stored raw once verified (unique per provider and event id), then
    processed by a worker. A duplicate delivery finds the row and is acknowledged, not re-run."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=120, blank=True)
    account_ref = models.CharField(max_length=200, blank=True, help_text="The provider's account id the event is about.")
    connection = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.SET_NULL)
    headers = models.JSONField(default=dict)
    body = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.TextField(blank=True)

    max_attempts = 6

    class Meta(DurableJob.Meta):
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="inbound_event_once")]
        indexes = [*DurableJob.Meta.indexes, models.Index(fields=["finished_at"])]  # for retention


@register
class MeetingSync(DurableJob):
    """One request to bring an appointment's online meeting in step with the appointment. Its work
    is calls to the provider, so it runs outside a transaction and is safe to repeat
    (meetings.services.meeting_reconcile)."""

    appointment = models.ForeignKey("crm.Appointment", on_delete=models.CASCADE, related_name="+")
    outcome = models.TextField(blank=True)

    in_transaction = False

    class Meta(DurableJob.Meta):
        indexes = [*DurableJob.Meta.indexes, models.Index(fields=["finished_at"])]  # for retention
