"""Claiming, running and re-enqueueing durable jobs. Works the same on SQLite and PostgreSQL."""

import logging
from contextlib import nullcontext
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hubwire.celery import app as celery_app
from hubwire.jobs.models import DurableJob, JobStatus, RetryLater
from hubwire.jobs.registry import JOB_MODELS, handler_for, job_model

log = logging.getLogger(__name__)

# The worker's task that runs one row (jobs/tasks.py), sent by name: the broker message is the only
# thing the runner and the task share.
RUN_TASK = "hubwire.jobs.run"


def _runnable(now) -> Q:
    return Q(status=JobStatus.PENDING, next_attempt_at__lte=now) | Q(status=JobStatus.RUNNING, locked_until__lt=now)


def claim(model: type[DurableJob], pk) -> DurableJob | None:
    """Atomically take a due row (or one whose lease ran out). At most one caller wins."""
    now = timezone.now()
    won = (
        model.objects.filter(pk=pk)
        .filter(_runnable(now))
        .update(status=JobStatus.RUNNING, locked_until=now + model.lease, attempts=F("attempts") + 1)
    )
    return model.objects.get(pk=pk) if won else None


def execute(label: str, pk) -> str:
    """Run one job row if it is ours to run. Returns what happened, for logs and tests. A label with no
    model or no handler raises UnknownJob before the row is claimed: a deploy that forgot to import a
    handler fails loudly on every tick, and the row waits, attempts untouched, for the fixed one."""
    model, handler = job_model(label), handler_for(label)
    job = claim(model, pk)
    if job is None:
        return "skipped"
    try:
        with transaction.atomic() if job.in_transaction else nullcontext():
            handler(job)
            model.objects.filter(pk=pk).update(
                status=JobStatus.DONE, finished_at=timezone.now(), locked_until=None, last_error=""
            )
        return "done"
    except RetryLater as exc:  # not a failure: the work knows when it can go on, and that uses up no attempt
        log.info("job %s #%s waits %.0f s: %s", label, pk, exc.after_seconds, exc)
        model.objects.filter(pk=pk).update(
            status=JobStatus.PENDING, next_attempt_at=timezone.now() + timedelta(seconds=exc.after_seconds),
            locked_until=None, attempts=F("attempts") - 1, last_error=str(exc)[:2000])
        return "later"
    except Exception as exc:  # any failure is recorded on the row and retried later
        log.warning("job %s #%s failed (attempt %s): %s", label, pk, job.attempts, exc)
        give_up = job.final_attempt
        model.objects.filter(pk=pk).update(
            status=JobStatus.DEAD if give_up else JobStatus.PENDING,
            next_attempt_at=timezone.now() + job.retry_delay(),
            locked_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now() if give_up else None,
        )
        return "dead" if give_up else "retry"


def enqueue(job: DurableJob) -> None:
    """Wake a worker for this row once the surrounding transaction commits."""
    label, pk = job._meta.label_lower, job.pk
    transaction.on_commit(lambda: send(label, pk))


def send(label: str, pk) -> None:
    try:
        celery_app.send_task(RUN_TASK, args=(label, pk))
    except Exception as exc:  # broker down: the row is safe, the tick will send it later
        log.warning("could not enqueue %s #%s (%s); the tick will retry", label, pk, exc)


def due_jobs(grace_seconds: float, limit: int = 500):
    """(label, pk) of rows that should be running but may have no message in the broker."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    for label, model in JOB_MODELS.items():
        stale = Q(status=JobStatus.PENDING, next_attempt_at__lte=cutoff) | Q(
            status=JobStatus.RUNNING, locked_until__lt=timezone.now()
        )
        for pk in model.objects.filter(stale).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
            yield label, pk
