"""Queued sync passes: requests coalesce into one waiting pass, a request during a run queues the
next one, a pass reports progress and its outcome, RetryLater puts it back to wait without using an
attempt; and the sandbox's calendar clock moves what schedules call now (and nothing in production)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.core import clock
from hubwire.jobs.models import JobStatus, RetryLater
from hubwire.jobs.runner import claim, execute
from hubwire.sync.models import SyncPass, Trigger
from hubwire.sync.passes import progress, queue_pass
from hubwire.sync.registry import NotRegistered, pass_handler, pass_handler_for
from hubwire.sync.selectors import sync_panel

pytestmark = pytest.mark.django_db

LABEL = SyncPass._meta.label_lower
SEEN: list[tuple[int, int | None]] = []


@pass_handler("tests.export")
def export(sync_pass) -> str:
    for done in (10, 20, 30):
        progress(sync_pass, done=done, total=30)
        SEEN.append((SyncPass.objects.get(pk=sync_pass.pk).done, sync_pass.total))
    return "30 exported"


@pass_handler("tests.busy")
def busy(sync_pass) -> str:
    raise RetryLater("QuickBooks' batch limit: resuming in a minute", after_seconds=60)


def queue(workspace, name="tests.export", trigger=Trigger.CHANGE, **kwargs):
    return queue_pass(workspace, "example", name, title="Export everything", trigger=trigger, **kwargs)


def test_requests_while_a_pass_waits_make_one_pass_brought_forward_with_the_latest_trigger(workspace):
    first = queue(workspace, delay_seconds=600)
    again = queue(workspace, trigger=Trigger.BUTTON)
    assert first.pk == again.pk
    row = SyncPass.objects.get()
    assert row.trigger == Trigger.BUTTON and row.next_attempt_at <= timezone.now()


def test_a_request_during_a_run_queues_the_next_pass(workspace):
    running = queue(workspace)
    assert claim(SyncPass, running.pk) is not None
    following = queue(workspace)
    assert following.pk != running.pk
    assert set(SyncPass.objects.values_list("status", flat=True)) == {JobStatus.RUNNING, JobStatus.PENDING}


def test_a_pass_reports_progress_and_its_outcome(workspace):
    SEEN.clear()
    job = queue(workspace)
    assert execute(LABEL, job.pk) == "done"
    job.refresh_from_db()
    assert SEEN == [(10, 30), (20, 30), (30, 30)]
    assert (job.status, job.outcome, job.done, job.total) == (JobStatus.DONE, "30 exported", 30, 30)


def test_a_pass_that_must_wait_goes_back_to_waiting_without_using_an_attempt(workspace):
    job = queue(workspace, name="tests.busy")
    assert execute(LABEL, job.pk) == "later"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
    assert job.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert "batch limit" in job.last_error


def test_the_panel_shows_passes_under_way(workspace):
    job = queue(workspace)
    panel = sync_panel(workspace, "example")
    assert [p.pk for p in panel["passes"]] == [job.pk]


def test_an_unknown_pass_name_is_said_plainly():
    with pytest.raises(NotRegistered, match="tests.nothing"):
        pass_handler_for("tests.nothing")


def test_the_calendar_clock_moves_only_with_the_sandbox_on(settings):
    settings.HUBWIRE_SANDBOX = False
    clock.shift_by(86400 * 3)
    assert abs((clock.now() - timezone.now()).total_seconds()) < 60
    settings.HUBWIRE_SANDBOX = True
    assert timedelta(days=2, hours=23) < clock.now() - timezone.now() < timedelta(days=3, hours=1)
