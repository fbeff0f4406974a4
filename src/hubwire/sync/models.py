"""The sync app's tables. The ledger: one row per pair (local object, provider object), architecture.md,
"Syncing with a provider"; then cursors, schedules (and the job row of each due slot), and sync runs.

A row is keyed on (workspace, provider, kind) rather than on a Connection row, because the pair exists
before the connection may: an appointment booked on Zoom before Zoom is connected waits in the ledger for
it, and the row outlives a disconnect so that reconnecting finds every object again instead of creating
it twice. Providers with modes (Stripe test/live) put the mode in the kind."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from hubwire.core.models import Workspace
from hubwire.jobs.models import DurableJob
from hubwire.jobs.registry import register
from hubwire.sync.rules import Rule, rule_of


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


class Trigger(models.TextChoices):
    """What started a sync pass, in the words the sync panel shows."""

    SCHEDULE = "schedule", "a schedule"
    BUTTON = "button", "someone pressing a button"
    WEBHOOK = "webhook", "a message from the provider"
    CHANGE = "change", "a change in hubwire"
    CONNECT = "connect", "connecting"


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
    # Several requests before a pass coalesce into it: the latest one names the pass's trigger.
    requested_by = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.CHANGE,
                                    help_text="What asked for this row's next pass.")
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


class SyncCursor(models.Model):
    """How far a provider's changes have been read for one resource (Google `syncToken`, QuickBooks
    CDC `changedSince`), kept as the provider's text. Empty means the next pass reads everything.
    Written only by sync.cursors.cursor_pass, which advances it after a clean pass only."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    resource = models.CharField(max_length=60, help_text="events, customers, invoices…")
    position = models.TextField(blank=True)
    advanced_at = models.DateTimeField(null=True, blank=True)
    started_over_at = models.DateTimeField(null=True, blank=True)
    started_over_reason = models.TextField(blank=True, help_text="Why the provider made hubwire read everything again.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "provider", "resource"], name="sync_one_cursor")]

    def __str__(self) -> str:
        return f"{self.provider} {self.resource}: {self.position or '(from the beginning)'}"


class Schedule(models.Model):
    """Periodic work of one provider for one workspace: `name` is the handler the provider registered
    (sync.registry.schedule_handler), the rule is "every N minutes" or "these days of each month at
    this time in the workspace's time zone" (sync.rules). The jobs tick runs what is due once per slot."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    name = models.CharField(max_length=80)
    title = models.CharField(max_length=200, help_text="What it does, in words the panel shows.")
    every_minutes = models.PositiveIntegerField(null=True, blank=True)
    month_days = models.JSONField(default=list, blank=True, help_text="Days of the month, 1–31.")
    at_time = models.TimeField(null=True, blank=True, help_text="Time of day in the workspace's time zone.")
    last_day_when_short = models.BooleanField(
        default=False, help_text="A day the month lacks (the 30th in February) runs on the month's last day "
                                 "instead of being skipped.")
    enabled = models.BooleanField(default=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.TextField(blank=True)
    last_succeeded = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "provider", "name"],
                                               name="sync_one_schedule_per_name")]
        indexes = [models.Index(fields=["enabled", "next_run_at"], name="sync_schedules_due")]

    def __str__(self) -> str:
        return f"{self.provider} {self.name} (next {self.next_run_at:%Y-%m-%d %H:%M} UTC)"

    @property
    def rule(self) -> Rule:
        return rule_of(self)


@register
class ScheduledRun(DurableJob):
    """One slot of a schedule, made by the tick that found it due. Unique per (schedule, slot), and
    claimed like any job, so two ticks or two beat processes never run one slot twice."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="runs")
    slot = models.DateTimeField(help_text="The time the schedule was due.")
    outcome = models.TextField(blank=True)

    max_attempts = 3
    in_transaction = False  # a schedule's work may call the provider

    class Meta(DurableJob.Meta):
        constraints = [models.UniqueConstraint(fields=["schedule", "slot"], name="sync_one_run_per_slot")]
        indexes = [*DurableJob.Meta.indexes, models.Index(fields=["finished_at"], name="sync_scheduled_runs_by_age")]


class RunOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    PARTIAL = "partial", "Finished, some items failed"
    FAILED = "failed", "Failed"
    WAITING = "waiting", "Paused, will try again"


class SyncRun(models.Model):
    """One sync pass: what started it, when, how many records it created, updated, removed or failed
    on, and the errors in words. Written by sync.runs.sync_run, also when the pass raises."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    what = models.CharField(max_length=60, help_text="The resource or kind the pass synced.")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text='[{"record": id or null, "why": words}]')
    started_over = models.TextField(blank=True, help_text="Why this pass read everything from the beginning.")
    outcome = models.CharField(max_length=10, choices=RunOutcome.choices, default=RunOutcome.RUNNING)

    # Enough to say what went wrong; a pass failing on thousands of records says so in `failed`.
    MAX_ERRORS = 50

    class Meta:
        indexes = [models.Index(fields=["workspace", "provider", "-started_at"], name="sync_runs_latest"),
                   models.Index(fields=["started_at"], name="sync_runs_by_age")]  # for retention

    def __str__(self) -> str:
        return f"{self.provider} {self.what} by {self.trigger} at {self.started_at:%Y-%m-%d %H:%M}: {self.outcome}"

    def failed_record(self, record: SyncRecord | None, why: str) -> None:
        """Count a record this pass could not sync, with why (in words)."""
        self.failed += 1
        self.error(why, record=record)

    def wait(self, why: str) -> None:
        """The pass could not go on yet and will be tried again (the provider not connected, say)."""
        self.outcome = RunOutcome.WAITING
        self.error(why)

    def error(self, why: str, *, record: SyncRecord | None = None) -> None:
        if len(self.errors) < self.MAX_ERRORS:
            self.errors.append({"record": record.pk if record is not None else None, "why": why})

    @property
    def counts_in_words(self) -> str:
        parts = [f"{n} {word}" for n, word in ((self.created, "created"), (self.updated, "updated"),
                                                (self.removed, "removed"), (self.failed, "failed")) if n]
        return ", ".join(parts) or "nothing needed changing"


@register
class SyncPass(DurableJob):
    """One queued pass of a provider's sync work for a workspace (export the pending invoices, match
    the customers), named by the handler the provider registered (sync.registry.pass_handler).

    Requests coalesce: while a pass of a name is waiting to start, asking again only brings it
    forward (sync.passes.queue_pass), so a thousand changes make one pass, not a thousand. A pass
    that is already running is not disturbed; the request waits as the next pass, which will see
    what changed meanwhile. `done`/`total` are the running pass's progress, for the panel."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    name = models.CharField(max_length=80)
    title = models.CharField(max_length=200, help_text="What it does, in words the panel shows.")
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.CHANGE)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    in_transaction = False  # its work calls the provider
    lease = timedelta(minutes=10)  # a pass of thousands of items renews it as it goes (passes.progress)

    class Meta(DurableJob.Meta):
        # No unique "one waiting pass" constraint: a running pass told to retry goes back to pending
        # beside the one queued meanwhile. Two waiting passes are harmless (the second finds little).
        indexes = [*DurableJob.Meta.indexes, models.Index(fields=["workspace", "provider", "status"],
                                                          name="sync_passes_open"),
                   models.Index(fields=["finished_at"], name="sync_passes_by_age")]

    def __str__(self) -> str:
        return f"{self.provider} {self.name} ({self.status})"
