"""Job behaviour is registered by name in the feature's module (jobs/registry.py), not kept on the
model: the runner calls the registered handler with the claimed row, a job nothing can run fails
loudly without using up the row, and the startup check names what is missing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.crm.services.scheduling import appointment_book
from hubwire.events.models import HandlerRun
from hubwire.events.registry import run_handler
from hubwire.jobs import registry, runner
from hubwire.jobs.checks import check_job_handlers
from hubwire.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

LABEL = "events.handlerrun"


@pytest.fixture
def run(workspace, monkeypatch):
    monkeypatch.setattr(runner, "send", lambda label, pk: None)  # no broker: the test runs the row itself
    start = timezone.now() + timedelta(days=7)
    appointment_book(workspace=workspace, actor="t", title="Kickoff", start=start, end=start + timedelta(hours=1))
    return HandlerRun.objects.get(handler="integrations.meeting_links")  # the booking's online-meeting run


def test_handler_runs_are_run_by_the_handler_the_events_module_registered():
    assert registry.handler_for(LABEL) is run_handler
    assert not hasattr(HandlerRun, "perform"), "the model keeps data and retry policy, not behaviour"


def test_the_runner_calls_the_registered_handler_with_the_claimed_row(run, monkeypatch):
    seen = []
    monkeypatch.setitem(registry.JOB_HANDLERS, LABEL, lambda job: seen.append((type(job), job.pk, job.attempts)))
    assert runner.execute(LABEL, run.pk) == "done"
    assert seen == [(HandlerRun, run.pk, 1)]
    run.refresh_from_db()
    assert run.status == JobStatus.DONE


def test_registering_by_model_or_by_label_is_the_same_and_a_second_handler_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "JOB_HANDLERS", {})

    @registry.job_handler(HandlerRun)
    def first(job):
        pass

    assert registry.handler_for("Events.HandlerRun".lower()) is first
    registry.job_handler("EVENTS.HandlerRun")(first)  # the same function again is harmless (a re-import)
    with pytest.raises(ValueError, match="events.handlerrun.*already has a handler.*first"):
        registry.job_handler(LABEL)(lambda job: None)


def test_a_job_nothing_can_run_fails_loudly_and_leaves_its_row_untouched(run, monkeypatch):
    monkeypatch.delitem(registry.JOB_HANDLERS, LABEL)
    with pytest.raises(registry.UnknownJob, match=r"no handler is registered for job 'events.handlerrun'.*"
                                                  r"@job_handler\('events.handlerrun'\)"):
        runner.execute(LABEL, run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.last_error) == (JobStatus.PENDING, 0, "")


def test_an_unknown_label_is_named(run):
    with pytest.raises(registry.UnknownJob, match=r"no job model is registered as 'events.nosuchjob' \(known: .*"
                                                  r"events.handlerrun"):
        runner.execute("events.nosuchjob", run.pk)


def test_no_job_model_carries_its_work():
    # Every job's work is registered by name in its feature's module; the models hold data and policy.
    assert not [label for label, model in registry.JOB_MODELS.items() if hasattr(model, "perform")]
    assert set(registry.JOB_HANDLERS) == set(registry.JOB_MODELS)


def test_the_startup_check_names_a_job_without_handler_and_a_handler_without_job(monkeypatch):
    assert check_job_handlers() == []
    monkeypatch.delitem(registry.JOB_HANDLERS, LABEL)
    monkeypatch.setitem(registry.JOB_HANDLERS, "events.handlerrn", run_handler)
    problems = {(e.id, e.msg) for e in check_job_handlers()}
    assert problems == {("jobs.E001", "job model events.handlerrun has no handler"),
                        ("jobs.E002", "a job handler is registered for 'events.handlerrn', which is no job model")}
