from celery import shared_task
from django.conf import settings

from hubwire.jobs import runner


@shared_task(name=runner.RUN_TASK)
def run_job(label: str, pk) -> str:
    return runner.execute(label, pk)


@shared_task(name="hubwire.jobs.tick")
def tick() -> int:
    """Beat's one periodic task: re-send whatever is due or stuck."""
    count = 0
    for label, pk in runner.due_jobs(grace_seconds=settings.HUBWIRE_JOBS_TICK_SECONDS):
        runner.send(label, pk)
        count += 1
    return count
