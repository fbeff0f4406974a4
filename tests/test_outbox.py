"""The outbox: events commit with their change and their line on the activity timeline, and
handlers run after commit, once, in a real worker."""

from datetime import datetime, timedelta, timezone

import pytest
from django.db import transaction

from hubwire.crm.models import Activity, Lead
from hubwire.crm.services.people import lead_create
from hubwire.crm.services.scheduling import appointment_book
from hubwire.events import registry
from hubwire.events.models import Event, HandlerRun
from hubwire.events.outbox import InvalidEventData, emit
from hubwire.jobs import runner
from hubwire.jobs.models import JobStatus
from hubwire.webhooks import tasks as webhook_tasks
from tests.conftest import purge_broker, stop_worker, wait_until


class Boom(Exception):
    pass


def book(workspace, title="Kickoff"):
    """An appointment: its events have a handler (the meeting link), a worker's job."""
    start = datetime(2031, 5, 6, 15, tzinfo=timezone.utc)
    return appointment_book(workspace=workspace, actor="t", title=title, start=start, end=start + timedelta(hours=1))


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
    assert not HandlerRun.objects.exists() and not Activity.objects.exists()
    assert sent == []


@pytest.mark.django_db(transaction=True)
def test_committed_change_wakes_the_worker_once_per_handler_after_commit(workspace, monkeypatch):
    sent = []
    monkeypatch.setattr(runner, "send", lambda label, pk: sent.append((label, pk)))
    with transaction.atomic():
        book(workspace, "Real")
        assert sent == [], "nothing may be sent before the transaction commits"
    event = Event.objects.get(type="appointment.booked")
    runs = list(event.handler_runs.order_by("pk"))
    # An appointment is followed by its online meeting and by Google Calendar: one run, one message each.
    assert sorted(r.handler for r in runs) == ["google_calendar.follow_appointments", "integrations.meeting_links"]
    assert sorted(sent) == sorted(("events.handlerrun", r.pk) for r in runs)
    assert event.data["title"] == "Real" and event.actor == "t"


@pytest.mark.django_db(transaction=True)
def test_a_handler_that_does_not_want_an_event_gets_no_run_and_no_message(workspace, monkeypatch):
    for table in ("HANDLERS", "SUBSCRIPTIONS", "WANTED"):  # this test's handler only, gone after it
        monkeypatch.setattr(registry, table, {})
    asked, sent = [], []
    monkeypatch.setattr(runner, "send", lambda label, pk: sent.append((label, pk)))

    def wanted(event) -> bool:
        asked.append((event.data["name"], Event.objects.filter(pk=event.pk).exists()))
        return event.data["name"].startswith("Wanted")

    registry.on("lead.created", name="tests.picky", wanted=wanted)(lambda event: None)
    lead_create(workspace=workspace, actor="t", name="Unwanted")
    lead_create(workspace=workspace, actor="t", name="Wanted")
    assert asked == [("Unwanted", True), ("Wanted", True)], "asked once per event, its row already written"
    [run] = HandlerRun.objects.all()
    assert (run.handler, run.event.data["name"]) == ("tests.picky", "Wanted")
    assert sent == [("events.handlerrun", run.pk)]


@pytest.mark.django_db(transaction=True)
def test_a_committed_lead_is_on_the_timeline_at_once_and_costs_no_broker_message_per_event(workspace, monkeypatch):
    """The timeline line commits with the event; no worker job, so no message per event (that
    message was most of lead_create's cost, see bench/webhooks.py). The one wake-up of the webhook
    dispatcher (which writes deliveries from events) is sent at most every WAKE_EVERY seconds: a
    window made wider here than the test can take, however busy the machine."""
    monkeypatch.setattr(webhook_tasks, "WAKE_EVERY", 3600.0)
    monkeypatch.setattr(webhook_tasks, "_last_wake", -3600.0)
    purge_broker()
    leads = [lead_create(workspace=workspace, actor="t", name=f"Lead {n}") for n in range(3)]
    summaries = set(Activity.objects.filter(event__type="lead.created").values_list("summary", flat=True))
    assert summaries == {f"Lead {lead.name} created by t" for lead in leads}
    assert not HandlerRun.objects.exists()
    assert _queued_messages() == 1


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
    appointment = book(workspace, "Worker-run booking")
    event = Event.objects.get(type="appointment.booked", data__id=appointment.pk)
    run = event.handler_runs.get(handler="integrations.meeting_links")
    runner.send("events.handlerrun", run.pk)  # the broker delivering the same work twice
    runner.send("events.handlerrun", run.pk)

    def finished():
        run.refresh_from_db()
        return run.status == JobStatus.DONE

    wait_until(finished, message=f"the worker to run {run}")
    wait_until(lambda: not _queue_has_messages(), message="the duplicates to be taken")
    stop_worker(celery_worker)  # a warm shutdown finishes the duplicates it took (each finds the row done)
    run.refresh_from_db()
    assert run.attempts == 1 and run.last_error == ""
    assert Activity.objects.get(event=event).summary == "Appointment Worker-run booking booked by t"


def _queue_has_messages() -> bool:
    return _queued_messages() > 0


def _queued_messages() -> int:
    from hubwire.celery import app

    from amqp.exceptions import ChannelError

    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_declare("celery", passive=True).message_count
        except ChannelError:  # Redis: a drained queue no longer exists
            return 0
