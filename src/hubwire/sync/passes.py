"""Queued sync passes: the durable, coalescing way a provider runs its sync work in a worker.

    queue_pass(workspace, "quickbooks", "quickbooks.export_invoices", title="Export invoices",
               trigger=Trigger.BUTTON)

    @pass_handler("quickbooks.export_invoices")
    def export(sync_pass) -> str:
        for chunk in ...:
            ...
            progress(sync_pass, done=n, total=total)
        return "12 invoices exported"

A request while a pass of that name waits brings the waiting one forward instead of adding a
second; a request while one runs queues the next (it will see what changed meanwhile). The handler
may raise RetryLater (the provider's limits, not connected yet): the pass waits and resumes."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hubwire.jobs.models import JobStatus
from hubwire.jobs.registry import job_handler
from hubwire.jobs.runner import enqueue
from hubwire.sync.models import SyncPass, Trigger
from hubwire.sync.registry import pass_handler_for


def queue_pass(workspace, provider: str, name: str, *, title: str, trigger: str = Trigger.CHANGE,
               delay_seconds: float = 0) -> SyncPass:
    """The waiting pass of this name, brought forward (or made), and a worker woken after commit."""
    when = timezone.now() + timedelta(seconds=delay_seconds)
    waiting = SyncPass.objects.filter(workspace=workspace, provider=provider, name=name, status=JobStatus.PENDING)
    with transaction.atomic():
        job = waiting.first()
        if job is None:
            job = SyncPass.objects.create(workspace=workspace, provider=provider, name=name, title=title,
                                          trigger=trigger, next_attempt_at=when)
        elif job.next_attempt_at > when or job.trigger != trigger:
            # A person asking now does not wait for a retry's backoff, and names the pass's trigger.
            waiting.filter(pk=job.pk).update(next_attempt_at=min(job.next_attempt_at, when), trigger=trigger)
        enqueue(job)
    return job


def progress(sync_pass: SyncPass, *, done: int, total: int | None = None) -> None:
    """Say how far the running pass has got, and keep its lease while it is working."""
    sync_pass.done, sync_pass.total = done, total if total is not None else sync_pass.total
    SyncPass.objects.filter(pk=sync_pass.pk).update(done=sync_pass.done, total=sync_pass.total,
                                                    locked_until=timezone.now() + SyncPass.lease)


@job_handler(SyncPass)
def sync_pass_perform(sync_pass: SyncPass) -> None:
    SyncPass.objects.filter(pk=sync_pass.pk).update(done=0, total=None)
    outcome = pass_handler_for(sync_pass.name)(sync_pass) or "Done"
    SyncPass.objects.filter(pk=sync_pass.pk).update(outcome=outcome[:2000])
