"""Each sync pass is recorded, also when it raises; a cursor moves only after a clean pass, and
starts over (with the reason kept) when the provider says it is gone."""

import pytest

from hubwire.jobs.models import RetryLater
from hubwire.sync.cursors import CursorGone, cursor_pass
from hubwire.sync.models import RunOutcome, SyncCursor, SyncRecord, SyncRun, Trigger
from hubwire.sync.runs import sync_run

pytestmark = pytest.mark.django_db


def a_run(workspace, what="customer"):
    return sync_run(workspace=workspace, provider="example", what=what, trigger=Trigger.SCHEDULE)


def test_a_pass_is_recorded_with_its_counts_and_trigger(workspace):
    record = SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=1)
    with a_run(workspace) as run:
        run.created += 2
        run.updated += 1
        run.failed_record(record, "QuickBooks already has a customer with this name.")
    saved = SyncRun.objects.get()
    assert (saved.created, saved.updated, saved.failed, saved.trigger) == (2, 1, 1, "schedule")
    assert saved.outcome == RunOutcome.PARTIAL and saved.finished_at >= saved.started_at
    assert saved.errors == [{"record": record.pk, "why": "QuickBooks already has a customer with this name."}]
    assert saved.counts_in_words == "2 created, 1 updated, 1 failed"


def test_a_clean_pass_succeeds_and_one_where_everything_failed_failed(workspace):
    with a_run(workspace):
        pass
    with a_run(workspace, what="invoice") as run:
        run.failed_record(None, "Intuit is down.")
    assert dict(SyncRun.objects.values_list("what", "outcome")) == {"customer": "succeeded", "invoice": "failed"}
    assert SyncRun.objects.get(what="customer").counts_in_words == "nothing needed changing"


def test_a_pass_that_raises_is_recorded_as_failed_with_the_error_and_the_error_goes_on(workspace):
    with pytest.raises(ConnectionError), a_run(workspace) as run:
        run.created += 1
        raise ConnectionError("QuickBooks did not answer")
    saved = SyncRun.objects.get()
    assert (saved.outcome, saved.created) == (RunOutcome.FAILED, 1)
    assert saved.errors == [{"record": None, "why": "QuickBooks did not answer"}]
    assert saved.finished_at is not None


def test_a_pass_told_to_come_back_later_is_waiting_not_failed(workspace):
    with pytest.raises(RetryLater), a_run(workspace):
        raise RetryLater("Zoom's daily limit is reached", after_seconds=3600)
    with a_run(workspace, what="meeting") as run:
        run.wait("Zoom is not connected.")
    assert set(SyncRun.objects.values_list("outcome", flat=True)) == {RunOutcome.WAITING}


def test_a_cursor_advances_only_when_the_pass_finishes_cleanly(workspace):
    with cursor_pass(workspace, "example", "events") as cursor:
        assert cursor.full_sync and cursor.position is None
        cursor.advance("token-1")
    with pytest.raises(ConnectionError), cursor_pass(workspace, "example", "events") as cursor:
        assert cursor.position == "token-1"
        cursor.advance("token-2")
        raise ConnectionError("page 3 failed")
    row = SyncCursor.objects.get()
    assert row.position == "token-1" and row.advanced_at is not None
    with cursor_pass(workspace, "example", "events") as cursor:
        assert cursor.position == "token-1" and not cursor.full_sync


def test_a_cursor_the_provider_forgot_starts_over_saying_why(workspace):
    with cursor_pass(workspace, "example", "events") as cursor:
        cursor.advance("token-1")
    with a_run(workspace, what="events") as run, cursor_pass(workspace, "example", "events", run=run) as cursor:
        cursor.advance("token-2")
        raise CursorGone("Google said the sync token is too old (410)")
    assert cursor.started_over == "Google said the sync token is too old (410)"
    row = SyncCursor.objects.get()
    assert row.position == "" and row.started_over_reason == "Google said the sync token is too old (410)"
    assert row.started_over_at is not None
    saved = SyncRun.objects.get()
    assert saved.started_over == "Google said the sync token is too old (410)" and saved.outcome == "succeeded"
    with cursor_pass(workspace, "example", "events") as cursor:
        assert cursor.full_sync  # the next pass reads everything


def test_cursors_are_per_workspace_provider_and_resource(workspace, other_workspace):
    for ws, provider, resource in [(workspace, "example", "events"), (workspace, "example", "calendars"),
                                   (workspace, "other", "events"), (other_workspace, "example", "events")]:
        with cursor_pass(ws, provider, resource) as cursor:
            assert cursor.full_sync
            cursor.advance(f"{ws.pk}-{provider}-{resource}")
    assert SyncCursor.objects.count() == 4
