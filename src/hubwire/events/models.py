"""The transactional outbox: an Event row per change, a HandlerRun row per handler that must see it."""

import uuid

from django.db import models
from django.utils import timezone

from hubwire.core.models import Workspace
from hubwire.jobs.models import DurableJob
from hubwire.jobs.registry import register


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=100, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    data = models.JSONField()
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=200, blank=True, help_text="Who caused it: a user's email, 'api', 'system'.")
    # Whether the work that follows its commit in batches (the webhook deliveries, webhooks/fanout.py)
    # has been done. The write path only appends the event; a worker fans it out (the outbox relay).
    fanned_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at"]
        # The log's order per workspace, and filtered by type (GET /api/events, the Events page); the
        # relay's queue, which holds only what is still to fan out.
        indexes = [models.Index(fields=["workspace", "occurred_at", "id"]),
                   models.Index(fields=["workspace", "type", "occurred_at", "id"]),
                   models.Index(fields=["occurred_at"], condition=models.Q(fanned_out=False),
                                name="events_event_to_fan_out")]

    def __str__(self) -> str:
        return f"{self.type} @ {self.occurred_at:%Y-%m-%d %H:%M:%S}"

    def envelope(self) -> dict:
        """The wire form: {"type", "timestamp", "data"} (Standard Webhooks' recommendation)."""
        return {"type": self.type, "timestamp": self.occurred_at.isoformat(), "data": self.data}


@register
class HandlerRun(DurableJob):
    """One handler's run for one event; registry.run_handler does the work."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handler_runs")
    handler = models.CharField(max_length=100)

    class Meta(DurableJob.Meta):
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="one_run_per_handler")]
