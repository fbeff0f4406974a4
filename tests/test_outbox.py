"""The outbox: events commit with their change, and handlers run after commit, once, in a real worker."""

import pytest
from django.db import transaction

from hubwire.crm.models import Activity, Lead
from hubwire.crm.services.people import lead_create
from hubwire.events.models import Event, HandlerRun
from hubwire.events.outbox import InvalidEventData, emit
from hubwire.jobs import runner
from hubwire.jobs.models import JobStatus
from tests.conftest import stop_worker, wait_until


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_emits_nothing_and_sends_nothing(workspace, monkeypatch):
    sent = []
    monkeypatch.setattr(runner, "send", lambda label, pk: sent.append((label, pk)))
    with pytest.raises(Boom):
        with transaction.atomic():
            lead_create(workspace=workspace, actor="t", name="Ghost")
            raise Boom
    assert not Lead.objects.filter(name="Ghost").exists()
    assert not Event.objects.filter(type="lead.created").exists()
    assert not HandlerRun.objects.exists()
    assert sent == []


@pytest.mark.django_db(transaction=True)
def test_committed_change_wakes_the_worker_once_per_handler_after_commit(workspace, monkeypatch):
    sent = []
    monkeypatch.setattr(runner, "send", lambda label, pk: sent.append((label, pk)))
    with transaction.atomic():
        lead_create(workspace=workspace, actor="t", name="Real")
        assert sent == [], "nothing may be sent before the transaction commits"
    event = Event.objects.get(type="lead.created")
    runs = list(event.handler_runs.all())
    assert [r.handler for r in runs] == ["crm.activity_timeline"]
    assert sent == [("events.handlerrun", runs[0].pk)]
    assert event.data["name"] == "Real" and event.actor == "t"


@pytest.mark.django_db
def test_emit_refuses_outside_a_transaction_unknown_types_and_bad_payloads(workspace):
    with transaction.atomic():
        with pytest.raises(KeyError):
            emit(workspace=workspace, type="lead.exploded", data={})
        with pytest.raises(InvalidEventData):
            emit(workspace=workspace, type="lead.created", data={"id": "not an int"})


def test_emit_outside_a_transaction_is_a_programming_error(transactional_db, workspace):
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        emit(workspace=workspace, type="lead.created", data={})


@pytest.mark.worker
def test_committed_event_runs_its_handler_exactly_once_in_a_real_celery_worker(celery_worker, workspace):
    """Not eager mode: a worker process on this run's broker (SQLite broker, or Redis in the
    PostgreSQL run) picks the message up. A duplicate delivery of the same message is a no-op."""
    lead = lead_create(workspace=workspace, actor="t", name="Worker-run lead")
    event = Event.objects.get(type="lead.created", data__id=lead.pk)
    run = event.handler_runs.get()
    runner.send("events.handlerrun", run.pk)  # the broker delivering the same work twice
    runner.send("events.handlerrun", run.pk)

    def finished():
        run.refresh_from_db()
        return run.status == JobStatus.DONE

    wait_until(finished, message=f"the worker to run {run}")
    wait_until(lambda: not _queue_has_messages(), message="the duplicates to be taken")
    stop_worker(celery_worker)  # a warm shutdown finishes the duplicates it took (each finds the row done)
    run.refresh_from_db()
    assert run.attempts == 1
    assert Activity.objects.filter(event=event).count() == 1
    assert Activity.objects.get(event=event).summary == "Lead Worker-run lead created by t"


def _queue_has_messages() -> bool:
    from hubwire.celery import app

    from amqp.exceptions import ChannelError

    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_declare("celery", passive=True).message_count > 0
        except ChannelError:  # Redis: a drained queue no longer exists
            return False
