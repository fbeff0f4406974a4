"""One ledger row per pair (local object, provider object): architecture.md, "Syncing with a provider".

A row is keyed on (workspace, provider, kind) rather than on a Connection row, because the pair exists
before the connection may: an appointment booked on Zoom before Zoom is connected waits in the ledger for
it, and the row outlives a disconnect so that reconnecting finds every object again instead of creating
it twice. Providers with modes (Stripe test/live) put the mode in the kind."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from hubwire.core.models import Workspace


class SyncStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SYNCED = "synced", "Synced"
    FAILED = "failed", "Failed"
    REMOVED = "removed", "Removed at the provider"


class MatchedBy(models.TextChoices):
    CREATED = "created", "Created by hubwire"
    AUTOMATIC = "automatic", "Matched automatically"
    PERSON = "person", "Matched by a person"
    PROVIDER = "provider", "Made at the provider"


class SyncRecord(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    kind = models.CharField(max_length=40, help_text="customer, invoice, calendar_event, meeting, directory_user…")
    local_id = models.BigIntegerField(null=True, blank=True,
                                      help_text="The CRM object's id; empty for a provider object not linked yet.")
    # Google event ids and directory keys can be long; QuickBooks ids are short. 1,024 covers all four.
    external_id = models.CharField(max_length=1024, blank=True)
    version = models.CharField(max_length=200, blank=True, help_text="QuickBooks SyncToken, Google etag.")
    status = models.CharField(max_length=10, choices=SyncStatus.choices, default=SyncStatus.PENDING)
    reason = models.TextField(blank=True, help_text="Why it is pending, failed or removed, in plain words.")
    synced = models.JSONField(default=dict, blank=True,
                              help_text="Snapshot of what the provider last accepted or showed, to send only changes.")
    marker = models.CharField(max_length=100, blank=True,
                              help_text="Idempotency marker sent with the create, so a retried create finds it.")
    create_started_at = models.DateTimeField(null=True, blank=True,
                                             help_text="A create was sent; it may have succeeded unseen.")
    matched_by = models.CharField(max_length=10, choices=MatchedBy.choices, blank=True)
    busy_until = models.DateTimeField(null=True, blank=True, help_text="A worker is changing it until then.")
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "provider", "kind", "local_id"],
                                    condition=Q(local_id__isnull=False), name="sync_one_row_per_local_object"),
            models.UniqueConstraint(fields=["workspace", "provider", "kind", "external_id"],
                                    condition=~Q(external_id=""), name="sync_one_row_per_external_object"),
        ]
        indexes = [models.Index(fields=["workspace", "provider", "kind", "status"], name="sync_by_status")]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.local_id} ↔ {self.external_id or '(none yet)'}: {self.status}"
