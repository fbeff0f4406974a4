"""Never a duplicate, and QuickBooks' limits never fail a record, against sandbox QuickBooks over HTTP.

A create whose answer was lost is found again before anything is created: by DocNumber, and by
re-sending its batch with the same requestid (QuickBooks answers from the first run), which also
covers a worker that died after writing the requestid and before sending. A 429, or a wait for the
batch limit longer than hubwire allows, pauses the pass (RetryLater); nothing is marked failed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.integrations.quickbooks import api, config
from hubwire.integrations.quickbooks.invoices import PASS_ALL, invoices_export_all
from hubwire.jobs.models import JobStatus
from hubwire.sync.models import RunOutcome, SyncPass, SyncRecord, SyncRun, SyncStatus, Trigger
from tests.conftest import SANDBOX_DB, wait_until
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.conftest import ConnectedCompany, connect_quickbooks
from tests.integrations.quickbooks.invoicing import issue, link, linked_account, qbo_invoices, row_of, waiting_for_a_person

pytestmark = SANDBOX_DB
API = "quickbooks.api.intuit.com"


def batch_path(company) -> str:
    return f"/v3/company/{company.realm_id}/batch"


LOST_TRIES = 4  # integrations/http.py RetryPolicy.attempts: a batch with a requestid is tried again on a timeout


def lose_the_answers(company, settings) -> None:
    """The next batch is acted on, but its answer comes after hubwire stopped listening, every try."""
    settings.HUBWIRE_HTTP_TIMEOUT = 1.0
    company.sandbox.control("fault", host=API, path=batch_path(company), delay=2.5, count=LOST_TRIES)


def answers_given_up(company) -> None:
    """Every late answer has been written (the sandbox logs a call once it answers), and hubwire listens again."""
    wait_until(lambda: len(company.sandbox.calls(API, batch_path(company))) == LOST_TRIES,
               message="the sandbox to finish the answers hubwire stopped waiting for")


def exported_once_each(company, invoices) -> None:
    held = qbo_invoices(company)
    assert sorted(x["DocNumber"] for x in held) == sorted(i.number for i in invoices)
    for invoice in invoices:
        record = row_of(invoice)
        assert record.status == SyncStatus.SYNCED, record.reason
        assert next(x for x in held if x["Id"] == record.external_id)["DocNumber"] == invoice.number


@pytest.fixture
def three(quickbooks, workspace):
    config.enable(quickbooks.connection)
    account = linked_account(quickbooks, workspace)
    return [issue(workspace, account) for _ in range(3)]


def test_a_create_whose_answer_was_lost_is_found_again_by_docnumber(quickbooks, workspace, three, settings):
    lose_the_answers(quickbooks, settings)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()
    assert len(qbo_invoices(quickbooks)) == 3  # QuickBooks made them…
    rows = [row_of(i) for i in three]
    assert all(r.status == SyncStatus.PENDING and r.create_started_at and r.marker == rows[0].marker for r in rows)
    assert all(r.external_id == "" for r in rows)  # …and hubwire never heard

    answers_given_up(quickbooks)
    settings.HUBWIRE_HTTP_TIMEOUT = 15.0
    run_jobs(force=True)

    exported_once_each(quickbooks, three)
    assert "3 found again by number after an unanswered create" in SyncPass.objects.get(name=PASS_ALL).outcome
    assert len(quickbooks.sandbox.calls(API, batch_path(quickbooks))) == LOST_TRIES  # found by DocNumber: none after


def test_one_renamed_in_quickbooks_meanwhile_is_found_by_its_requestid(quickbooks, workspace, three, settings):
    lose_the_answers(quickbooks, settings)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()
    renamed = next(x for x in qbo_invoices(quickbooks) if x["DocNumber"] == three[0].number)
    quickbooks.control("quickbooks-change", entity="Invoice", operation="update",
                       body={"Id": renamed["Id"], "DocNumber": "RENAMED-1"})

    answers_given_up(quickbooks)
    settings.HUBWIRE_HTTP_TIMEOUT = 15.0
    run_jobs(force=True)

    assert len(qbo_invoices(quickbooks)) == 3
    assert row_of(three[0]).external_id == renamed["Id"] and row_of(three[0]).status == SyncStatus.SYNCED
    outcome = SyncPass.objects.get(name=PASS_ALL).outcome
    assert "2 found again by number" in outcome and "1 sent again with the requestid" in outcome
    # Its batch went once more with the same requestid, and QuickBooks answered from the first run.
    assert len(quickbooks.sandbox.calls(API, batch_path(quickbooks))) == LOST_TRIES + 1


def test_a_batch_whose_requestid_was_written_but_never_sent_is_sent_once(quickbooks, workspace, three):
    for invoice in three:  # as a worker killed between writing the requestid and sending leaves the rows
        SyncRecord.objects.create(workspace=workspace, provider="quickbooks", kind="invoice", local_id=invoice.pk,
                                  marker="written-not-sent", create_started_at=timezone.now(),
                                  requested_by=Trigger.BUTTON)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()
    exported_once_each(quickbooks, three)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()
    exported_once_each(quickbooks, three)
    assert len(quickbooks.sandbox.calls(API, batch_path(quickbooks))) == 1


def test_an_invoice_missing_from_its_requestids_first_answer_is_created_anew(quickbooks, workspace):
    config.enable(quickbooks.connection)
    acme = linked_account(quickbooks, workspace)
    globex = waiting_for_a_person(quickbooks, workspace)
    first, second = issue(workspace, acme), issue(workspace, globex)
    for invoice in (first, second):  # one batch, sent by nobody yet
        SyncRecord.objects.create(workspace=workspace, provider="quickbooks", kind="invoice", local_id=invoice.pk,
                                  marker="shared-batch", create_started_at=timezone.now(), requested_by=Trigger.BUTTON)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()  # the first goes with that requestid; the second waits for Globex's customer, keeping it
    assert [x["DocNumber"] for x in qbo_invoices(quickbooks)] == [first.number]
    assert (row_of(second).marker, row_of(second).status) == ("shared-batch", SyncStatus.PENDING)

    link(quickbooks, globex)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()  # the requestid's answer holds only the first: the second was never made, and is made now

    exported_once_each(quickbooks, [first, second])


def test_a_429_pauses_the_pass_and_fails_no_record(quickbooks, workspace, three):
    quickbooks.sandbox.control("fault", host=API, path=batch_path(quickbooks), status=429, count=4)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()

    job = SyncPass.objects.get(name=PASS_ALL)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
    assert "limiting how fast hubwire may call it" in job.last_error
    assert job.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert SyncRun.objects.get().outcome == RunOutcome.WAITING
    assert all(row_of(i).status == SyncStatus.PENDING for i in three)

    run_jobs(force=True)
    exported_once_each(quickbooks, three)
    assert not SyncRecord.objects.filter(status=SyncStatus.FAILED).exists()
    assert sum(run.failed for run in SyncRun.objects.all()) == 0


def test_a_long_wait_for_the_batch_limit_gives_the_worker_back_and_fails_no_record(sandbox, owner_client, workspace,
                                                                                  settings, monkeypatch):
    # A company of its own, so that its batch bucket starts full.
    company = ConnectedCompany(connect_quickbooks(owner_client, workspace, email="bucket@intuit.example"), sandbox)
    config.enable(company.connection)
    settings.HUBWIRE_QUICKBOOKS_BATCH_SIZE = 2
    settings.HUBWIRE_QUICKBOOKS_BATCHES_PER_MINUTE = 2  # one now, the next a minute later
    monkeypatch.setattr(api, "MAX_BATCH_WAIT_SECONDS", 1.0)
    account = linked_account(company, workspace)
    invoices = [issue(workspace, account) for _ in range(3)]
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()

    assert len(qbo_invoices(company)) == 2
    waiting = row_of(invoices[2])
    assert (waiting.status, waiting.marker, waiting.create_started_at) == (SyncStatus.PENDING, "", None)
    job = SyncPass.objects.get(name=PASS_ALL)
    assert job.status == JobStatus.PENDING and job.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert "batch limit" in job.last_error
    assert not SyncRecord.objects.filter(status=SyncStatus.FAILED).exists()


def test_an_invoice_another_worker_holds_waits_for_it_and_the_rest_go(quickbooks, workspace, three):
    run_jobs()  # the events list them
    held = row_of(three[0])
    SyncRecord.objects.filter(pk=held.pk).update(busy_until=timezone.now() + timedelta(seconds=60))
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()

    assert sorted(x["DocNumber"] for x in qbo_invoices(quickbooks)) == sorted(i.number for i in three[1:])
    job = SyncPass.objects.get(name=PASS_ALL)
    assert job.status == JobStatus.PENDING and "being sent by another worker" in job.last_error
    assert timedelta(seconds=50) < job.next_attempt_at - timezone.now() <= timedelta(seconds=61)

    SyncRecord.objects.filter(pk=held.pk).update(busy_until=timezone.now() - timedelta(seconds=1))  # its lease ran out
    run_jobs(force=True)
    exported_once_each(quickbooks, three)
