import logging

from celery import shared_task
from django.conf import settings

from hubwire.jobs import runner
from hubwire.jobs.tick_hooks import TICK_HOOKS

log = logging.getLogger(__name__)


@shared_task(name=runner.RUN_TASK)
def run_job(label: str, pk) -> str:
    return runner.execute(label, pk)


@shared_task(name="hubwire.jobs.tick")
def tick() -> int:
    """Beat's one periodic task: run the apps' tick hooks, then re-send whatever is due or stuck."""
    for hook in TICK_HOOKS:
        try:
            hook()
        except Exception:  # one app's bookkeeping failing must not stop the re-sending of every job
            log.exception("tick hook %s failed", hook.__qualname__)
    count = 0
    for label, pk in runner.due_jobs(grace_seconds=settings.HUBWIRE_JOBS_TICK_SECONDS):
        runner.send(label, pk)
        count += 1
    return count
