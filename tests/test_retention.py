"""Retention: each app's declared tables lose what is older than its HUBWIRE_KEEP_*_DAYS setting,
in bounded batches, and never what is still needed. Time is the test's: every pass is run as of
NOW, and rows are dated relative to it."""

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections, router
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from hubwire.crm.models import Activity
from hubwire.crm.services.people import lead_create
from hubwire.events.models import Event, HandlerRun
from hubwire.integrations.models import InboundEvent, MeetingSync
from hubwire.jobs.models import JobStatus
from hubwire.jobs.periodic import beat_schedule
from hubwire.retention.prune import BATCH_SIZE, expired_rows, oldest_ids, prune
from hubwire.retention.registry import RETAINED, retain
from hubwire.retention.tasks import prune_expired
from hubwire.sandbox.models import Call
from hubwire.webhooks.fanout import fan_out_pending
from hubwire.webhooks.inbound import inbound_hook_create
from hubwire.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, InboundRequest
from tests.factories import crm_objects

# The pass reads the sandbox's call log in its own database as well.
pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

NOW = datetime(2031, 3, 1, 12, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def pruned_rows(**kwargs) -> dict[str, int]:
    return {p.label: p.rows for p in prune(now=NOW, **kwargs)}


@pytest.fixture
def endpoint(workspace):
    # Written directly: saving through the service would resolve the host for the SSRF guard.
    return Endpoint.objects.create(workspace=workspace, url="https://receiver.example.test/hook", secret="whsec_test")


def lead_event(workspace, *, at: datetime) -> Event:
    """A real change through the service: its event, activity line and deliveries, all dated `at`."""
    lead = lead_create(workspace=workspace, actor="owner@example.test", name="Dana Scully")
    fan_out_pending()
    event = Event.objects.get(type="lead.created", data__id=lead.pk)
    Event.objects.filter(pk=event.pk).update(occurred_at=at)
    Delivery.objects.filter(event=event).update(created_at=at, status=DeliveryStatus.SUCCEEDED)
    return event


def attempt(delivery, *, at: datetime) -> Attempt:
    return Attempt.objects.create(delivery=delivery, number=delivery.attempt_log.count() + 1, started_at=at)


def inbound_event(event_id: str, *, finished: datetime | None, status=JobStatus.DONE) -> InboundEvent:
    return InboundEvent.objects.create(provider="stripe", event_id=event_id, body="{}", status=status, finished_at=finished)


def test_rows_older_than_their_setting_go_and_younger_ones_stay(workspace, endpoint):
    # For every table hubwire declares, a row just past its setting (made first) and one just inside.
    old_event, young_event = lead_event(workspace, at=days_ago(91)), lead_event(workspace, at=days_ago(89))
    kept_delivery = Delivery.objects.get(event=young_event)
    _, young_attempt = attempt(kept_delivery, at=days_ago(31)), attempt(kept_delivery, at=days_ago(29))
    hook = inbound_hook_create(workspace=workspace, name="Website form", action="lead_create")
    _, young_request = (InboundRequest.objects.create(hook=hook, received_at=days_ago(age), status_code=201,
                                                      outcome="created") for age in (31, 29))
    _, young_inbound = inbound_event("evt_old", finished=days_ago(31)), inbound_event("evt_young", finished=days_ago(29))
    appointment = crm_objects(workspace)["appointments"]
    _, young_sync = (MeetingSync.objects.create(appointment=appointment, status=JobStatus.DEAD,
                                                finished_at=days_ago(age)) for age in (31, 29))
    _, young_call = (Call.objects.create(host="zoom", method="GET", path="/v2/users/me", status=200,
                                         created_at=days_ago(age)) for age in (8, 6))

    deleted = pruned_rows()

    # The old event's delivery is as old: it goes with its event, or on its own if its table comes first.
    assert deleted.pop("events.Event") == 1 and deleted.pop("webhooks.Delivery") in (0, 1)
    assert deleted == {"webhooks.Attempt": 1, "webhooks.InboundRequest": 1, "integrations.InboundEvent": 1,
                       "integrations.MeetingSync": 1, "sandbox.Call": 1,
                       "sync.SyncRun": 0, "sync.ScheduledRun": 0, "sync.SyncPass": 0}  # tests/sync/test_sync_retention.py
    assert not Event.objects.filter(pk=old_event.pk).exists() and Event.objects.filter(pk=young_event.pk).exists()
    assert not Delivery.objects.filter(event=old_event.pk).exists() and Delivery.objects.filter(pk=kept_delivery.pk).exists()
    assert list(Attempt.objects.all()) == [young_attempt]
    assert list(InboundRequest.objects.all()) == [young_request]
    assert list(InboundEvent.objects.all()) == [young_inbound]
    assert list(MeetingSync.objects.filter(status=JobStatus.DEAD)) == [young_sync]
    assert list(Call.objects.all()) == [young_call]


def test_a_delivery_past_its_setting_goes_once_its_event_is_kept(workspace, endpoint):
    with override_settings(HUBWIRE_KEEP_EVENTS_DAYS=0):
        event = lead_event(workspace, at=days_ago(91))
        assert pruned_rows()["webhooks.Delivery"] == 1
    assert Event.objects.filter(pk=event.pk).exists() and not Delivery.objects.exists()


def test_an_expired_events_activity_line_stays_on_the_account(workspace, endpoint):
    event = lead_event(workspace, at=days_ago(365))
    line = Activity.objects.get(event=event)

    prune(now=NOW)

    line.refresh_from_db()
    assert not Event.objects.filter(pk=event.pk).exists()
    assert line.event_id is None and line.summary.startswith("Lead Dana Scully created")


def test_what_is_still_needed_is_kept_however_old(workspace, endpoint):
    ancient = days_ago(3650)
    retrying, sending = lead_event(workspace, at=ancient), lead_event(workspace, at=ancient)
    Delivery.objects.filter(event=retrying).update(status=DeliveryStatus.PENDING)
    Delivery.objects.filter(event=sending).update(status=DeliveryStatus.SENDING)
    handler_waiting = lead_event(workspace, at=ancient)
    HandlerRun.objects.create(event=handler_waiting, handler="tests.still_to_run", status=JobStatus.PENDING)
    # Put back to pending after it once gave up (a resend keeps the old finished_at).
    unprocessed = [inbound_event("evt_pending", finished=ancient, status=JobStatus.PENDING),
                   inbound_event("evt_running", finished=ancient, status=JobStatus.RUNNING)]
    sync = MeetingSync.objects.create(appointment=crm_objects(workspace)["appointments"], status=JobStatus.RUNNING,
                                      finished_at=ancient)

    deleted = pruned_rows()

    assert deleted["events.Event"] == deleted["integrations.InboundEvent"] == deleted["integrations.MeetingSync"] == 0
    assert Event.objects.filter(pk__in=[retrying.pk, sending.pk, handler_waiting.pk]).count() == 3
    # Only the finished delivery goes (its event stays for the handler still to run).
    assert deleted["webhooks.Delivery"] == 1
    assert sorted(Delivery.objects.filter(event__in=[retrying, sending, handler_waiting]).values_list(
        "status", flat=True)) == [DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    assert set(InboundEvent.objects.all()) == set(unprocessed)
    assert MeetingSync.objects.filter(pk=sync.pk).exists()


def test_zero_keeps_forever(workspace, endpoint):
    event = lead_event(workspace, at=days_ago(3650))
    attempt(Delivery.objects.get(event=event), at=days_ago(3650))

    with override_settings(HUBWIRE_KEEP_EVENTS_DAYS=0, HUBWIRE_KEEP_WEBHOOK_DELIVERIES_DAYS=0,
                           HUBWIRE_KEEP_WEBHOOK_ATTEMPTS_DAYS=0):
        results = {p.label: p for p in prune(now=NOW)}

    assert (Event.objects.filter(pk=event.pk).count(), Delivery.objects.count(), Attempt.objects.count()) == (1, 1, 1)
    assert str(results["webhooks.Attempt"]) == "webhooks.Attempt (HUBWIRE_KEEP_WEBHOOK_ATTEMPTS_DAYS=0): kept forever"


def test_a_changed_setting_takes_effect_on_the_next_pass(workspace):
    inbound_event("evt_3_days", finished=days_ago(3))
    inbound_event("evt_1_day", finished=days_ago(1))
    assert pruned_rows()["integrations.InboundEvent"] == 0

    with override_settings(HUBWIRE_KEEP_INBOUND_EVENTS_DAYS=2):
        assert pruned_rows()["integrations.InboundEvent"] == 1
    assert list(InboundEvent.objects.values_list("event_id", flat=True)) == ["evt_1_day"]


def test_each_batch_deletes_at_most_a_batch_of_rows_in_one_statement(workspace, endpoint):
    delivery = Delivery.objects.get(event=lead_event(workspace, at=days_ago(1)))
    rows = 2 * BATCH_SIZE + 500
    Attempt.objects.bulk_create(Attempt(delivery=delivery, number=n, started_at=days_ago(60)) for n in range(rows))

    with CaptureQueriesContext(connection) as queries:
        assert pruned_rows()["webhooks.Attempt"] == rows

    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('DELETE FROM "webhooks_attempt"')]
    ids_per_delete = [len(re.search(r'"id" IN \(([^)]*)\)', sql).group(1).split(",")) for sql in deletes]
    assert ids_per_delete == [BATCH_SIZE, BATCH_SIZE, 500]  # never one statement over the whole table
    assert not Attempt.objects.exists()


def test_a_table_with_cascades_is_pruned_batch_by_batch_too(workspace, endpoint):
    for _ in range(25):
        lead_event(workspace, at=days_ago(100))

    with CaptureQueriesContext(connection) as queries:
        assert pruned_rows(batch_size=10)["events.Event"] == 25

    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('DELETE FROM "events_event"')]
    assert len(deletes) == 3
    assert not Event.objects.filter(type="lead.created").exists() and not Delivery.objects.exists()


def test_a_dry_run_deletes_nothing_and_counts_what_would_go(workspace, endpoint):
    lead_event(workspace, at=days_ago(100))
    inbound_event("evt_old", finished=days_ago(40))

    results = {p.label: str(p) for p in prune(now=NOW, dry_run=True)}

    assert results["events.Event"] == "events.Event (HUBWIRE_KEEP_EVENTS_DAYS=90): would delete 1 row older than 90 days"
    assert results["integrations.InboundEvent"].endswith("would delete 1 row older than 30 days")
    assert Event.objects.filter(type="lead.created").count() == 1 and InboundEvent.objects.count() == 1


def test_the_prune_command_says_per_table_what_it_would_delete(workspace):
    # The command prunes as of the real now; a margin of days makes that safe to test.
    InboundEvent.objects.create(provider="zoom", event_id="evt_old", body="{}", status=JobStatus.DONE,
                                finished_at=timezone.now() - timedelta(days=40))
    out = io.StringIO()

    call_command("prune", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert "integrations.InboundEvent (HUBWIRE_KEEP_INBOUND_EVENTS_DAYS=30): would delete 1 row older than 30 days" in lines
    assert "sandbox.Call (HUBWIRE_KEEP_SANDBOX_CALLS_DAYS=7): would delete 0 rows older than 7 days" in lines
    assert len(lines) == len(RETAINED) and InboundEvent.objects.count() == 1
    call_command("prune", stdout=io.StringIO())
    assert not InboundEvent.objects.exists()


def test_beat_runs_the_prune_task_every_hour(workspace):
    from hubwire.celery import app

    [entry] = [e for e in beat_schedule().values() if e["task"] == "hubwire.retention.prune"]
    assert entry["schedule"] == 3600.0
    app.loader.import_default_modules()
    assert app.tasks["hubwire.retention.prune"].name == prune_expired.name
    inbound_event("evt_old", finished=timezone.now() - timedelta(days=40))
    assert prune_expired() == 1 and not InboundEvent.objects.exists()


def test_a_bad_keep_setting_is_refused_naming_it():
    with override_settings(HUBWIRE_KEEP_EVENTS_DAYS=-1), pytest.raises(ImproperlyConfigured, match="HUBWIRE_KEEP_EVENTS_DAYS"):
        prune(now=NOW, dry_run=True)
    with override_settings(HUBWIRE_KEEP_EVENTS_DAYS="90"), pytest.raises(ImproperlyConfigured, match="whole number"):
        prune(now=NOW, dry_run=True)


def test_a_bad_keep_variable_stops_startup_naming_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBWIRE_")}
    env.update(DJANGO_SETTINGS_MODULE="hubwire.settings", HUBWIRE_VAR_DIR=str(tmp_path / "var"),
               HUBWIRE_KEEP_WEBHOOK_ATTEMPTS_DAYS="a month")
    out = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode != 0
    assert "HUBWIRE_KEEP_WEBHOOK_ATTEMPTS_DAYS must be a whole number of days" in out.stderr


def test_a_table_cannot_be_retained_without_an_index_on_its_age_field():
    with pytest.raises(ImproperlyConfigured, match=r"webhooks.Endpoint.updated_at needs an index"):
        retain(Endpoint, age_field="updated_at", setting="HUBWIRE_KEEP_ENDPOINTS_DAYS", default_days=1)
    assert Endpoint not in RETAINED


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("label", sorted(d.label for d in RETAINED.values()))
def test_each_batch_reads_the_oldest_rows_through_the_age_index(label):
    # What keeps a batch's cost flat as the table grows: an index range scan, already in age order.
    [declaration] = [d for d in RETAINED.values() if d.label == label]
    database = router.db_for_write(declaration.model)
    expired = expired_rows(declaration, cutoff=NOW, database=database)
    sql, params = oldest_ids(expired, declaration, BATCH_SIZE).query.sql_with_params()
    with connections[database].cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    table = declaration.model._meta.db_table
    index_range_scan = re.compile(rf"SEARCH {table} USING (COVERING )?INDEX \S+ \({declaration.age_field}<\?\)")
    assert any(index_range_scan.fullmatch(step) for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_the_sandbox_declares_its_own_retention_and_the_framework_never_names_it():
    assert "sandbox.Call" in {d.label for d in RETAINED.values()}
    framework = Path(__file__).resolve().parents[1] / "src" / "hubwire" / "retention"
    modules = list(framework.rglob("*.py"))
    assert len(modules) >= 5 and not [m.name for m in modules if "sandbox" in m.read_text().lower()]
