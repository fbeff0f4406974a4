"""The durable-job pattern: claims are exclusive, failures retry with backoff, the tick recovers
work whose broker message was lost or whose worker died."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.crm.services.scheduling import appointment_book
from hubwire.events import registry
from hubwire.events.models import HandlerRun
from hubwire.jobs import runner
from hubwire.jobs.models import JobStatus, RetryLater

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(workspace, monkeypatch):
    monkeypatch.setattr(runner, "send", lambda label, pk: None)  # the broker lost every message
    start = timezone.now() + timedelta(days=7)
    appointment_book(workspace=workspace, actor="t", title="Kickoff", start=start, end=start + timedelta(hours=1))
    return HandlerRun.objects.get(handler="integrations.meeting_links")  # the booking's online-meeting run


def test_only_one_claim_wins(run):
    assert runner.claim(HandlerRun, run.pk) is not None
    assert runner.claim(HandlerRun, run.pk) is None


def test_a_failing_handler_is_retried_later_with_the_error_kept(run, monkeypatch):
    def broken(event):
        raise ValueError("downstream said no")

    monkeypatch.setitem(registry.HANDLERS, run.handler, broken)
    assert runner.execute("events.handlerrun", run.pk) == "retry"
    run.refresh_from_db()
    assert run.status == JobStatus.PENDING and run.attempts == 1
    assert "downstream said no" in run.last_error
    assert run.next_attempt_at > timezone.now()
    assert runner.execute("events.handlerrun", run.pk) == "skipped", "not due yet"


def test_a_job_that_must_wait_waits_as_long_as_it_says_without_using_up_attempts(run, monkeypatch):
    def not_yet(event):
        raise RetryLater("the provider resumes at midnight", after_seconds=3600)

    monkeypatch.setitem(registry.HANDLERS, run.handler, not_yet)
    HandlerRun.objects.filter(pk=run.pk).update(attempts=HandlerRun.max_attempts - 1)
    assert runner.execute("events.handlerrun", run.pk) == "later"
    run.refresh_from_db()
    assert (run.status, run.attempts) == (JobStatus.PENDING, HandlerRun.max_attempts - 1)  # not given up
    assert timedelta(minutes=59) < run.next_attempt_at - timezone.now() <= timedelta(hours=1)
    assert run.last_error == "the provider resumes at midnight"


def test_a_job_gives_up_after_its_last_attempt(run, monkeypatch):
    monkeypatch.setitem(registry.HANDLERS, run.handler, lambda e: 1 / 0)
    HandlerRun.objects.filter(pk=run.pk).update(attempts=HandlerRun.max_attempts - 1)
    assert runner.execute("events.handlerrun", run.pk) == "dead"
    run.refresh_from_db()
    assert run.status == JobStatus.DEAD


def test_handler_side_effects_roll_back_when_it_fails(run, monkeypatch):
    from hubwire.crm.models import Lead

    def half_done(event):
        Lead.objects.create(workspace_id=event.workspace_id, name="half")
        raise RuntimeError("then failed")

    monkeypatch.setitem(registry.HANDLERS, run.handler, half_done)
    runner.execute("events.handlerrun", run.pk)
    assert not Lead.objects.exists()


def test_tick_recovers_lost_messages_and_expired_leases(run, settings):
    # Lost message: pending and due longer than one tick ago.
    HandlerRun.objects.filter(pk=run.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=1))
    assert list(runner.due_jobs(grace_seconds=settings.HUBWIRE_JOBS_TICK_SECONDS)) == [("events.handlerrun", run.pk)]
    # A worker that died mid-job: running, lease expired.
    HandlerRun.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING, locked_until=timezone.now() - timedelta(seconds=1))
    assert list(runner.due_jobs(grace_seconds=5)) == [("events.handlerrun", run.pk)]
    assert runner.execute("events.handlerrun", run.pk) == "done"
    assert list(runner.due_jobs(grace_seconds=5)) == []


def test_a_fresh_job_is_left_to_its_own_message(run):
    assert list(runner.due_jobs(grace_seconds=60)) == []


def test_retry_delay_grows_and_stays_capped(run):
    delays = []
    for attempts in (1, 2, 3, 10, 30):
        run.attempts = attempts
        delays.append(run.retry_delay().total_seconds())
    assert delays[0] <= 5 and delays[2] >= 10
    assert max(delays) <= HandlerRun.max_delay_seconds
