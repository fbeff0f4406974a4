"""Running schedules from the jobs tick (architecture principle 3: durable rows, the broker only wakes).

Each tick, every enabled schedule whose `next_run_at` has come is moved on to its next future slot
by a compare-and-set on `next_run_at`, and in the same transaction one ScheduledRun row is written
for the slot it was due at. Only one of two ticks (or two beat processes) wins that update, and the
row is unique per (schedule, slot) besides, so a slot runs once. A schedule missed while nothing
was running (the worker down for a day) is due once when the tick comes back, and then moves on
to the next slot after now, not once per slot it missed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from hubwire.core import clock
from hubwire.jobs.models import RetryLater
from hubwire.jobs.registry import job_handler
from hubwire.jobs.runner import enqueue
from hubwire.jobs.tick_hooks import on_tick
from hubwire.sync.models import Schedule, ScheduledRun
from hubwire.sync.registry import schedule_handler_for
from hubwire.sync.rules import ScheduleSpec, rule_fields, zone_of

log = logging.getLogger(__name__)


def schedules_declare(*, workspace, provider: str, specs: Iterable[ScheduleSpec],
                      now: datetime | None = None) -> list[Schedule]:
    """Make sure the workspace has the provider's declared schedules (on connect). A new one first
    runs at its first slot after `now`; one whose rule changed starts over on the new rule; whether
    it is enabled is the workspace's choice and is kept."""
    now = now or clock.now()
    zone = zone_of(workspace)
    schedules = []
    for spec in specs:
        fields = rule_fields(spec.rule)
        schedule = Schedule.objects.filter(workspace=workspace, provider=provider, name=spec.name).first()
        if schedule is None:
            schedule = Schedule.objects.create(
                workspace=workspace, provider=provider, name=spec.name, title=spec.title, **fields,
                next_run_at=spec.rule.next_after(now, previous=None, zone=zone))
        elif schedule.rule != spec.rule or schedule.title != spec.title:
            for name, value in fields.items():
                setattr(schedule, name, value)
            schedule.title = spec.title
            schedule.next_run_at = spec.rule.next_after(now, previous=None, zone=zone)
            schedule.save()
        schedules.append(schedule)
    return schedules


def schedules_enable(*, workspace, provider: str, enabled: bool, now: datetime | None = None) -> int:
    """Pause (enabled=False) or resume a provider's schedules in one workspace; how many changed.
    A resumed schedule starts again at its first slot after `now`: the slots that passed while it
    was paused are not made up, since the business had turned that work off."""
    changing = Schedule.objects.filter(workspace=workspace, provider=provider, enabled=not enabled)
    if not enabled:
        return changing.update(enabled=False)
    now, zone = now or clock.now(), zone_of(workspace)
    resumed = list(changing)
    for schedule in resumed:
        schedule.enabled = True
        schedule.next_run_at = schedule.rule.next_after(now, previous=None, zone=zone)
    Schedule.objects.bulk_update(resumed, ["enabled", "next_run_at"])
    return len(resumed)


def schedules_run_due(*, now: datetime | None = None) -> list[ScheduledRun]:
    """Turn every due schedule into one job row for the slot it was due at (sent after commit)."""
    now = now or clock.now()
    made = []
    due = Schedule.objects.filter(enabled=True, next_run_at__lte=now).select_related("workspace")
    for schedule in due.order_by("next_run_at"):
        run = _claim_slot(schedule, now)
        if run is not None:
            made.append(run)
    return made


def _claim_slot(schedule: Schedule, now: datetime) -> ScheduledRun | None:
    slot = schedule.next_run_at
    following = schedule.rule.next_after(now, previous=slot, zone=zone_of(schedule.workspace))
    try:
        with transaction.atomic():
            won = Schedule.objects.filter(pk=schedule.pk, enabled=True, next_run_at=slot).update(next_run_at=following)
            if not won:
                return None  # another tick took this slot
            run = ScheduledRun.objects.create(schedule=schedule, slot=slot, next_attempt_at=now)
            enqueue(run)
    except IntegrityError:
        return None  # the slot's row already exists: it was made once, and runs once
    return run


@on_tick
def _tick() -> int:
    return len(schedules_run_due())


@job_handler(ScheduledRun)
def scheduled_run_perform(run: ScheduledRun) -> None:
    """A ScheduledRun's work: the handler its schedule names; what it said (or why it failed) is
    the schedule's last outcome."""
    schedule = run.schedule
    started = timezone.now()
    try:
        outcome = schedule_handler_for(schedule.name)(schedule) or "Done"
    except RetryLater:
        raise
    except Exception as exc:
        words = str(exc) or type(exc).__name__
        _record(schedule, run, started, f"Failed: {words}", succeeded=False)
        raise
    _record(schedule, run, started, outcome, succeeded=True)


def _record(schedule: Schedule, run: ScheduledRun, started: datetime, outcome: str, *, succeeded: bool) -> None:
    Schedule.objects.filter(pk=schedule.pk).update(last_run_at=started, last_outcome=outcome[:2000],
                                                   last_succeeded=succeeded)
    ScheduledRun.objects.filter(pk=run.pk).update(outcome=outcome[:2000])
