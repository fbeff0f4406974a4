"""Sync runs, finished scheduled runs and finished sync passes are pruned like the other histories; a pass still running,
or a slot still to run, is kept however old."""

from datetime import UTC, datetime, timedelta

from hubwire.jobs.models import JobStatus
from hubwire.retention.prune import prune
from hubwire.sync.models import RunOutcome, Schedule, ScheduledRun, SyncPass, SyncRun
from tests.conftest import SANDBOX_DB

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


@SANDBOX_DB  # the pass prunes the sandbox's call log too
def test_old_sync_runs_and_finished_scheduled_runs_go_and_open_ones_stay(workspace):
    def sync_run(days_ago, outcome):
        return SyncRun.objects.create(workspace=workspace, provider="zoom", what="meetings", trigger="schedule",
                                      started_at=NOW - timedelta(days=days_ago), outcome=outcome)

    old, young, running = sync_run(91, RunOutcome.SUCCEEDED), sync_run(89, RunOutcome.FAILED), \
        sync_run(400, RunOutcome.RUNNING)
    schedule = Schedule.objects.create(workspace=workspace, provider="zoom", name="meetings.resume_waiting",
                                       title="Resume", every_minutes=30, next_run_at=NOW)

    def slot(days_ago, status):
        at = NOW - timedelta(days=days_ago)
        return ScheduledRun.objects.create(schedule=schedule, slot=at, status=status,
                                           finished_at=at if status == JobStatus.DONE else None)

    done_long_ago, done_lately, waiting = slot(31, JobStatus.DONE), slot(29, JobStatus.DONE), \
        slot(60, JobStatus.PENDING)

    def sync_pass(days_ago, status):
        at = NOW - timedelta(days=days_ago)
        return SyncPass.objects.create(workspace=workspace, provider="quickbooks", name="quickbooks.invoices",
                                       title="Export", status=status, created_at=at,
                                       finished_at=at if status == JobStatus.DONE else None)

    pass_long_ago, pass_lately, pass_waiting = sync_pass(31, JobStatus.DONE), sync_pass(29, JobStatus.DONE), \
        sync_pass(60, JobStatus.PENDING)

    prune(now=NOW)

    assert set(SyncRun.objects.values_list("pk", flat=True)) == {young.pk, running.pk} and old.pk
    assert set(ScheduledRun.objects.values_list("pk", flat=True)) == {done_lately.pk, waiting.pk}
    assert done_long_ago.pk and Schedule.objects.filter(pk=schedule.pk).exists()
    assert set(SyncPass.objects.values_list("pk", flat=True)) == {pass_lately.pk, pass_waiting.pk} and pass_long_ago.pk
