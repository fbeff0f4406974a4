"""Durable work rows (architecture principle 3).

A job is a database row with a status and `next_attempt_at`. The broker only carries "run row N";
if a message is lost, the beat tick finds the row due (or its lease expired) and enqueues it again.
So a lost broker message delays work and never loses it. Long retries are rows waiting for their
`next_attempt_at`, never Celery countdowns (Redis would redeliver them after its visibility timeout).
What a job does is not on its model: its feature registers a handler for it (jobs/registry.py).
"""

import random
from datetime import timedelta

from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    DEAD = "dead", "Gave up"


# A job in one of these is work still to do, never history to prune.
OPEN_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)


class RetryLater(Exception):
    """Raised by a job's handler when it cannot go on yet but knows when it can (a provider's Retry-After,
    another worker holding the object). The job waits that long; it is not counted as a failure."""

    def __init__(self, message: str, *, after_seconds: float):
        super().__init__(message)
        self.after_seconds = after_seconds


class DurableJob(models.Model):
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    # How long a worker owns a claimed row before the tick may hand it to another worker.
    lease = timedelta(minutes=5)
    max_attempts = 8
    base_delay_seconds = 5.0
    max_delay_seconds = 6 * 3600.0
    # A job whose work is a remote call sets this False: its handler writes in short transactions
    # of its own and must be safe to repeat, instead of holding one transaction (on SQLite, the
    # database's write lock) open while it waits on a provider.
    in_transaction = True

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    @property
    def final_attempt(self) -> bool:
        """True while running the attempt after which the runner gives up."""
        return self.attempts >= self.max_attempts

    def retry_delay(self) -> timedelta:
        """Exponential backoff with full jitter, capped."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** max(self.attempts - 1, 0))
        return timedelta(seconds=random.uniform(ceiling / 2, ceiling))
