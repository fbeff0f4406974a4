"""What the sandbox Google Calendar keeps: one primary calendar per Google user, its events (the
Event resource as Google answers it), the watch channels posting to apps, and the sync tokens it
handed out."""

from django.db import models


class Calendar(models.Model):
    """A Google user's primary calendar. `changes` counts every write to its events: each event
    remembers the count of its last write (`Event.position`), which is what a sync token points at."""

    user_id = models.CharField(max_length=40, unique=True)
    email = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=60, default="UTC")
    changes = models.PositiveBigIntegerField(default=0)
    conferences_pending = models.BooleanField(
        default=False, help_text="New Meet conferences stay `pending` until a test hook makes them ready.")


class Event(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=1024)
    body = models.JSONField(help_text="The Event resource as events.get answers it.")
    position = models.PositiveBigIntegerField(db_index=True, help_text="Calendar.changes at its last write.")
    send_updates = models.CharField(max_length=20, blank=True, help_text="sendUpdates of its last write.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["calendar", "event_id"], name="gcal_event_unique_id")]


class SyncToken(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="sync_tokens")
    value = models.CharField(max_length=80, unique=True)
    position = models.PositiveBigIntegerField()
    expired = models.BooleanField(default=False)


class Channel(models.Model):
    """An events.watch channel: where the sandbox posts a push for each change of its calendar."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="channels")
    channel_id = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=40)
    address = models.TextField()
    token = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    messages = models.PositiveIntegerField(default=0, help_text="The last X-Goog-Message-Number sent.")
    stopped = models.BooleanField(default=False)


class UserRequests(models.Model):
    """Calendar API requests one Google user made in one second of the sandbox clock (throttle.py
    sums the last 60 of them for Google's per-user, per-minute quota)."""

    user_id = models.CharField(max_length=40)
    second = models.BigIntegerField(help_text="Seconds since the epoch, on the sandbox clock.")
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "second"], name="gcal_user_requests_unique")]
