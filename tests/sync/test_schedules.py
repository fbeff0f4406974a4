"""Schedules run from the jobs tick: declared once per workspace, due slots made into one job row
each, a missed schedule run once and then moved to the next future slot, never one slot twice,
and the last run and its outcome kept. The clock is the `now` each test passes."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from hubwire.jobs.models import JobStatus
from hubwire.jobs.runner import execute
from hubwire.jobs.tasks import tick
from hubwire.sync.models import Schedule, ScheduledRun
from hubwire.sync.registry import NotRegistered, schedule_handler, schedule_handler_for
from hubwire.sync.rules import Every, MonthDays, ScheduleSpec
from hubwire.sync.schedules import schedules_declare, schedules_run_due
from tests.conftest import in_threads

pytestmark = pytest.mark.django_db

CALLS: list[int] = []
LABEL = ScheduledRun._meta.label_lower
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EVERY_30 = ScheduleSpec("tests.count", "Count the runs", Every(30))


@schedule_handler("tests.count")
def count_runs(schedule) -> str:
    CALLS.append(schedule.pk)
    return f"Counted {len(CALLS)}."


@schedule_handler("tests.broken")
def broken(schedule) -> str:
    raise RuntimeError("the export file could not be written")


@pytest.fixture(autouse=True)
def no_calls_yet():
    CALLS.clear()


def run_all(runs) -> list[str]:
    return [execute(LABEL, run.pk) for run in runs]


def test_declaring_a_schedule_twice_keeps_one_and_a_new_rule_starts_over(workspace):
    [schedule] = schedules_declare(workspace=workspace, provider="example", specs=[EVERY_30], now=T0)
    assert schedule.next_run_at == T0 + timedelta(minutes=30) and schedule.enabled
    Schedule.objects.filter(pk=schedule.pk).update(enabled=False)  # the workspace paused it

    schedules_declare(workspace=workspace, provider="example", specs=[EVERY_30], now=T0 + timedelta(hours=1))
    schedule.refresh_from_db()
    assert schedule.next_run_at == T0 + timedelta(minutes=30) and not schedule.enabled

    monthly = ScheduleSpec("tests.count", "Count on the fifth", MonthDays((5,), time(6, 0)))
    schedules_declare(workspace=workspace, provider="example", specs=[monthly], now=T0)
    schedule.refresh_from_db()
    assert (schedule.every_minutes, schedule.month_days, schedule.at_time) == (None, [5], time(6, 0))
    assert schedule.next_run_at == datetime(2026, 3, 5, 6, 0, tzinfo=UTC)  # the workspace's zone is UTC
    assert Schedule.objects.count() == 1 and not schedule.enabled


def test_a_monthly_schedule_uses_the_workspaces_time_zone(workspace):
    workspace.time_zone = "America/New_York"
    workspace.save()
    export = ScheduleSpec("tests.count", "Export", MonthDays((5, 10, 15, 20, 25, 30), time(6, 0)))
    [schedule] = schedules_declare(workspace=workspace, provider="example", specs=[export], now=T0)
    assert schedule.next_run_at == datetime(2026, 3, 5, 11, 0, tzinfo=UTC)  # 06:00 EST


def test_a_due_schedule_runs_once_and_records_its_last_run_and_outcome(workspace):
    [schedule] = schedules_declare(workspace=workspace, provider="example", specs=[EVERY_30], now=T0)
    assert schedules_run_due(now=T0 + timedelta(minutes=29)) == []

    due_at = T0 + timedelta(minutes=30)
    [run] = schedules_run_due(now=due_at)
    assert run.slot == due_at and run.status == JobStatus.PENDING
    schedule.refresh_from_db()
    assert schedule.next_run_at == T0 + timedelta(minutes=60) and schedule.last_run_at is None

    assert run_all([run, run]) == ["done", "skipped"]  # a second delivery of the message finds it done
    assert CALLS == [schedule.pk]
    schedule.refresh_from_db()
    assert (schedule.last_outcome, schedule.last_succeeded) == ("Counted 1.", True)
    assert schedule.last_run_at is not None
    assert ScheduledRun.objects.get().outcome == "Counted 1."


def test_a_schedule_missed_while_the_worker_was_down_runs_once_then_moves_to_the_next_future_slot(workspace):
    [every] = schedules_declare(workspace=workspace, provider="example", specs=[EVERY_30], now=T0)
    monthly = ScheduleSpec("tests.monthly", "Monthly", MonthDays((5, 10, 15), time(6, 0)))
    schedule_handler("tests.monthly")(count_runs)
    [month] = schedules_declare(workspace=workspace, provider="example", specs=[monthly], now=T0)
    back = datetime(2026, 3, 18, 9, 10, tzinfo=UTC)  # down from the 2nd to the 18th: many slots of each missed

    runs = schedules_run_due(now=back)
    assert sorted((r.schedule_id, r.slot) for r in runs) == sorted([
        (every.pk, T0 + timedelta(minutes=30)), (month.pk, datetime(2026, 3, 5, 6, 0, tzinfo=UTC))])
    assert schedules_run_due(now=back + timedelta(minutes=5)) == []
    run_all(runs)
    assert len(CALLS) == 2
    every.refresh_from_db()
    month.refresh_from_db()
    assert every.next_run_at == datetime(2026, 3, 18, 9, 30, tzinfo=UTC)  # on its grid, after now
    assert month.next_run_at == datetime(2026, 4, 5, 6, 0, tzinfo=UTC)


def test_two_ticks_at_once_make_one_run_of_a_slot(transactional_db, workspace):
    schedules_declare(workspace=workspace, provider="example", specs=[EVERY_30], now=T0)
    due_at = T0 + timedelta(minutes=31)
    made, errors = in_threads(4, lambda: len(schedules_run_due(now=due_at)))
    assert errors == [] and sorted(made) == [0, 0, 0, 1]
    [run] = ScheduledRun.objects.all()
    # And two workers handed that row run it once.
    outcomes, errors = in_threads(2, lambda: execute(LABEL, run.pk))
    assert errors == [] and sorted(outcomes) == ["done", "skipped"]
    assert len(CALLS) == 1


def test_a_failing_schedule_says_why_and_is_retried_as_a_job(workspace):
    broken_spec = ScheduleSpec("tests.broken", "Export invoices", Every(60))
    [schedule] = schedules_declare(workspace=workspace, provider="example", specs=[broken_spec], now=T0)
    [run] = schedules_run_due(now=T0 + timedelta(hours=1))
    assert run_all([run]) == ["retry"]
    schedule.refresh_from_db()
    assert schedule.last_succeeded is False
    assert schedule.last_outcome == "Failed: the export file could not be written"
    run.refresh_from_db()
    assert run.status == JobStatus.PENDING and "the export file could not be written" in run.last_error


def test_a_paused_schedule_does_not_run(workspace):
    [schedule] = schedules_declare(workspace=workspace, provider="example", specs=[EVERY_30], now=T0)
    Schedule.objects.filter(pk=schedule.pk).update(enabled=False)
    assert schedules_run_due(now=T0 + timedelta(days=1)) == []


def test_a_schedule_naming_no_handler_fails_its_run_saying_so(workspace):
    spec = ScheduleSpec("tests.nobody", "Nothing registered", Every(5))
    [schedule] = schedules_declare(workspace=workspace, provider="example", specs=[spec], now=T0)
    [run] = schedules_run_due(now=T0 + timedelta(minutes=5))
    assert run_all([run]) == ["retry"]
    schedule.refresh_from_db()
    assert schedule.last_outcome == "Failed: no schedule handler is registered as 'tests.nobody'"
    with pytest.raises(NotRegistered):
        schedule_handler_for("tests.nobody")


def test_the_jobs_tick_runs_the_schedule_hook(workspace):
    [schedule] = schedules_declare(workspace=workspace, provider="example", specs=[EVERY_30], now=T0)
    Schedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    tick()
    [run] = ScheduledRun.objects.all()
    assert run.schedule_id == schedule.pk
    schedule.refresh_from_db()
    assert schedule.next_run_at > timezone.now()


def test_registering_another_function_under_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        schedule_handler("tests.count")(broken)
