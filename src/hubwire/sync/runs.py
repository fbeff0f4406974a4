"""Recording sync passes: each pass is a SyncRun row, written when it starts and again when it ends,
whether it ended well, with some records failed, or by raising.

    with sync_run(workspace=ws, provider="zoom", what="meeting", trigger=Trigger.CHANGE) as run:
        ...
        run.created += 1
        run.failed_record(record, "Zoom refused the meeting: …")

Open it outside any transaction the pass may roll back: the row is written in the caller's
connection, so a rolled-back transaction would take the record of its failure with it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from hubwire.jobs.models import RetryLater
from hubwire.sync.models import RunOutcome, SyncRun


@contextmanager
def sync_run(*, workspace, provider: str, what: str, trigger: str) -> Iterator[SyncRun]:
    run = SyncRun.objects.create(workspace=workspace, provider=provider, what=what, trigger=trigger,
                                 started_at=timezone.now())
    try:
        yield run
    except RetryLater as exc:  # not a failure: the pass knows when it can go on
        run.error(str(exc))
        _finish(run, RunOutcome.WAITING)
        raise
    except BaseException as exc:
        run.error(str(exc) or type(exc).__name__)
        _finish(run, RunOutcome.FAILED)
        raise
    _finish(run, _outcome_of(run))


def _outcome_of(run: SyncRun) -> RunOutcome:
    if run.failed:
        return RunOutcome.PARTIAL if run.created + run.updated + run.removed else RunOutcome.FAILED
    return RunOutcome.WAITING if run.outcome == RunOutcome.WAITING else RunOutcome.SUCCEEDED


def _finish(run: SyncRun, outcome: RunOutcome) -> None:
    run.outcome, run.finished_at = outcome, timezone.now()
    run.save()
