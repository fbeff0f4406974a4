"""The pass "quickbooks.changes" against sandbox QuickBooks over HTTP: what changed in QuickBooks comes
back to the ledger (a customer edited there: its new SyncToken and fields; made inactive, or an invoice
deleted: "removed", with why), answers of 1,000 objects are read on, the cursor moves only after a
clean pass and an old or missing one starts 30 days back saying why; the hourly schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hubwire.integrations.http import ProviderError
from hubwire.integrations.quickbooks import changes
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.quickbooks.customer_fields import account_fields
from hubwire.sandbox import clock as sandbox_clock
from hubwire.sandbox.quickbooks import entities
from hubwire.sync.models import RunOutcome, Schedule, SyncCursor, SyncPass, SyncRecord, SyncRun, Trigger
from hubwire.sync.schedules import schedules_run_due
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.books import link, listen

pytestmark = SANDBOX_DB
API = "quickbooks.api.intuit.com"


def customer_row(linked) -> SyncRecord:
    return SyncRecord.objects.get(kind="customer", local_id=linked.account.pk)


def invoice_row(linked) -> SyncRecord:
    return SyncRecord.objects.get(kind="invoice", local_id=linked.invoice.pk)


def read_changes(quickbooks, **kwargs) -> SyncRun:
    changes.changes_read(quickbooks.refresh(), trigger=Trigger.BUTTON, **kwargs)
    return SyncRun.objects.filter(what="changes").latest("started_at")


def test_a_customer_edited_in_quickbooks_updates_its_ledger_row_through_the_webhook(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace, invoice=False)
    assert customer_row(linked).version == "0"

    quickbooks.control("quickbooks-edit-customer", Id=linked.customer["Id"], email="accounts@acme.example")
    run_jobs()  # the notification, then the read it queued

    row = customer_row(linked)
    assert row.version == "1"
    # What hubwire last sent stays its snapshot: a change made in QuickBooks is QuickBooks' to keep
    # (customers.py sends only what changes in hubwire afterwards).
    assert row.synced == account_fields(linked.account)
    [run] = SyncRun.objects.filter(what="changes")
    assert (run.trigger, run.updated, run.outcome) == (Trigger.WEBHOOK, 1, RunOutcome.SUCCEEDED)
    # hubwire's next update with the SyncToken it now holds is accepted (not 5010)
    with company_api(quickbooks.connection) as qbo:
        updated = qbo.write("Customer", {"Id": row.external_id, "SyncToken": row.version, "sparse": True,
                                         "Notes": "from hubwire"})
    assert updated["SyncToken"] == "2"


def test_reading_the_same_changes_again_changes_nothing(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace, invoice=False)
    quickbooks.control("quickbooks-edit-customer", Id=linked.customer["Id"], Notes="called")
    first = read_changes(quickbooks)
    before = customer_row(linked)
    second = read_changes(quickbooks)  # within the overlap: the same change is read again
    assert (first.updated, second.updated) == (1, 0)
    assert customer_row(linked).updated_at == before.updated_at and before.version == "1"


def test_a_customer_made_inactive_and_an_invoice_deleted_in_quickbooks_are_removed_with_why(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace)
    other = link(quickbooks, workspace, name="Beta Studio", email="hello@beta.example")
    quickbooks.control("quickbooks-delete-customer", Id=linked.customer["Id"])
    quickbooks.control("quickbooks-change", entity="Invoice", operation="delete", body={"Id": other.qbo_invoice["Id"]})
    run_jobs()

    customer, invoice = customer_row(linked), invoice_row(other)
    assert (customer.status, invoice.status) == ("removed", "removed")
    assert customer.reason == changes.CUSTOMER_INACTIVE and "made inactive in QuickBooks" in customer.reason
    assert invoice.reason == "Deleted in QuickBooks, so hubwire no longer updates it there."
    assert invoice_row(linked).status == "synced" and customer_row(other).status == "synced"
    assert SyncRun.objects.filter(what="changes").latest("started_at").removed == 2

    # made active again in QuickBooks: linked again
    current = entities.read(quickbooks.realm_id, "Customer", linked.customer["Id"])
    quickbooks.control("quickbooks-edit-customer", Id=current["Id"], Active=True)
    run_jobs()
    assert customer_row(linked).status == "synced" and customer_row(linked).reason == ""


def test_answers_of_1000_objects_are_read_on_until_one_comes_back_short(quickbooks, workspace):
    listen(quickbooks)
    sandbox_clock.freeze(True)
    linked = link(quickbooks, workspace)  # its customer and invoice are among the first changes
    for n in range(1, 1051):  # made in QuickBooks, 100 to a second (CDC's times are whole seconds)
        entities.create(quickbooks.realm_id, "Customer", {"DisplayName": f"Walk-in {n}"})
        if n % 100 == 0:
            sandbox_clock.advance(1)
    sandbox_clock.advance(1)
    with company_api(quickbooks.connection) as qbo:  # changed last: past the first answer's 1,000
        edited_customer = qbo.write("Customer", {"Id": linked.customer["Id"], "SyncToken": "0", "sparse": True,
                                                 "Notes": "late change"})
        edited_invoice = qbo.write("Invoice", {"Id": linked.qbo_invoice["Id"], "SyncToken": "0", "sparse": True,
                                               "PrivateNote": "late change"})

    run = read_changes(quickbooks)

    assert (customer_row(linked).version, invoice_row(linked).version) == (edited_customer["SyncToken"],
                                                                          edited_invoice["SyncToken"]) == ("1", "1")
    assert run.outcome == RunOutcome.SUCCEEDED and run.updated == 2
    calls = quickbooks.sandbox.calls(API, f"/v3/company/{quickbooks.realm_id}/cdc")
    # all three kinds (1,000 customers), then customers from the last one's time (the rest), then
    # invoices and payments each on their own, since the first answer had none of them
    assert len(calls) == 4


def test_a_cursor_older_than_30_days_starts_30_days_back_and_says_why(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace, invoice=False)
    quickbooks.control("quickbooks-edit-customer", Id=linked.customer["Id"], Notes="while hubwire was away")
    now = timezone.now()
    SyncCursor.objects.create(workspace=workspace, provider="quickbooks", resource="changes",
                              position=(now - timedelta(days=40)).isoformat())

    run = read_changes(quickbooks, now=now)

    assert run.outcome == RunOutcome.SUCCEEDED and run.updated == 1
    assert "more than 30 days ago" in run.started_over and "QuickBooks keeps them for 30 days only" in run.started_over
    cursor = SyncCursor.objects.get(workspace=workspace, resource="changes")
    assert parse_datetime(cursor.position) == now


def test_the_first_pass_reads_the_last_30_days_and_later_ones_read_on_from_the_last(quickbooks, workspace):
    listen(quickbooks)
    start = timezone.now()
    first = read_changes(quickbooks, now=start)
    assert first.started_over.startswith("the first read of QuickBooks' changes")
    later = read_changes(quickbooks, now=start + timedelta(minutes=30))
    assert later.started_over == ""
    assert SyncCursor.objects.get(resource="changes").position == (start + timedelta(minutes=30)).isoformat()
    assert changes.start_of(start.isoformat(), start + timedelta(minutes=30)) == (start - changes.OVERLAP, "")
    # a position ahead of now (the sandbox's clock moved on, then reset): from now
    assert changes.start_of((start + timedelta(days=5)).isoformat(), start) == (start - changes.OVERLAP, "")


def test_a_failed_read_keeps_the_cursor_and_a_throttled_one_waits(quickbooks, workspace):
    listen(quickbooks)
    start = timezone.now()
    read_changes(quickbooks, now=start)
    quickbooks.sandbox.control("fault", host=API, path=f"/v3/company/{quickbooks.realm_id}/cdc", status=400)
    with pytest.raises(ProviderError):
        read_changes(quickbooks, now=start + timedelta(hours=1))
    assert SyncCursor.objects.get(resource="changes").position == start.isoformat()
    assert SyncRun.objects.filter(what="changes").latest("started_at").outcome == RunOutcome.FAILED

    quickbooks.sandbox.control("fault", host=API, path=f"/v3/company/{quickbooks.realm_id}/cdc", status=429,
                               retry_after="120")  # past what the client sleeps on: the pass waits
    changes.queue(workspace, trigger=Trigger.BUTTON)
    assert run_jobs() == ["later"]  # the pass waits for QuickBooks' limit; no record failed
    assert SyncRun.objects.filter(what="changes").latest("started_at").outcome == RunOutcome.WAITING
    assert SyncCursor.objects.get(resource="changes").position == start.isoformat()


def test_the_hourly_schedule_queues_the_read(quickbooks, workspace):
    listen(quickbooks)
    schedule = Schedule.objects.get(workspace=workspace, provider="quickbooks", name="quickbooks.changes")
    assert schedule.every_minutes == 60
    schedules_run_due(now=schedule.next_run_at)  # the tick, when the slot comes
    run_jobs(force=True)
    schedule.refresh_from_db()
    assert schedule.last_outcome == "Queued a read of QuickBooks' changes"
    [done] = SyncPass.objects.filter(name="quickbooks.changes")
    assert (done.trigger, done.status) == (Trigger.SCHEDULE, "done")
    assert SyncRun.objects.get(what="changes").trigger == Trigger.SCHEDULE
