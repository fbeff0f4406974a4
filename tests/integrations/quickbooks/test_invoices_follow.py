"""An exported invoice follows hubwire, against sandbox QuickBooks over HTTP: a change is a sparse update
on the SyncToken with only what changed, a stale SyncToken (5010) is read again and retried, a void
is QuickBooks' void, an invoice deleted there (610) is removed with the reason and Retry makes it
again, and a customer or item gone there (2500) fails in words that say which."""

from datetime import date

import pytest

from hubwire.crm.services.documents import invoice_update, invoice_void
from hubwire.integrations.quickbooks import config
from hubwire.integrations.quickbooks.errors import KNOWN
from hubwire.integrations.quickbooks.invoices import invoices_export_all
from hubwire.sync.models import SyncStatus, Trigger
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.invoicing import ACTOR, issue, linked_account, qbo_invoice, qbo_invoices, row_of

pytestmark = SANDBOX_DB


@pytest.fixture
def exported(quickbooks, workspace):
    """An invoice of ACME's, exported, and its QuickBooks Id."""
    config.enable(quickbooks.connection)
    account = linked_account(quickbooks, workspace)
    invoice = issue(workspace, account, due_date=date(2031, 3, 1), notes="First note")
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()
    record = row_of(invoice)
    assert record.status == SyncStatus.SYNCED
    return invoice


def test_a_change_is_a_sparse_update_of_only_what_changed_on_the_current_synctoken(quickbooks, exported):
    record = row_of(exported)
    # A QuickBooks user adds a private note there; a full update would clear it.
    quickbooks.control("quickbooks-change", entity="Invoice", operation="update",
                       body={"Id": record.external_id, "PrivateNote": "Checked by the accountant"})
    assert qbo_invoice(quickbooks, record.external_id)["SyncToken"] == "1"

    invoice_update(invoice=exported, actor=ACTOR, due_date=date(2031, 4, 15))
    run_jobs()

    held = qbo_invoice(quickbooks, record.external_id)
    assert held["DueDate"] == "2031-04-15"
    assert held["PrivateNote"] == "Checked by the accountant"  # sparse: only DueDate was sent
    assert held["CustomerMemo"] == {"value": "First note"}
    # hubwire's SyncToken was 0: QuickBooks answered 5010, hubwire read the invoice again and sent it on 1.
    record.refresh_from_db()
    assert (record.status, record.version, held["SyncToken"]) == (SyncStatus.SYNCED, "2", "2")
    assert record.synced["DueDate"] == "2031-04-15"
    assert len(qbo_invoices(quickbooks)) == 1


def test_an_unchanged_invoice_costs_no_call(quickbooks, exported):
    record = row_of(exported)
    invoice_update(invoice=exported, actor=ACTOR, notes="First note")  # the same as sent
    run_jobs()
    assert qbo_invoice(quickbooks, record.external_id)["SyncToken"] == "0"
    assert row_of(exported).status == SyncStatus.SYNCED


def test_voiding_in_hubwire_voids_it_in_quickbooks(quickbooks, exported):
    record = row_of(exported)
    invoice_void(invoice=exported, actor=ACTOR)
    run_jobs()
    held = qbo_invoice(quickbooks, record.external_id)
    assert (held["TotalAmt"], held["Balance"], held["PrivateNote"]) == (0, 0, "Voided")
    record.refresh_from_db()
    assert record.status == SyncStatus.SYNCED and record.synced["voided"] is True
    assert len(qbo_invoices(quickbooks)) == 1


def test_an_invoice_voided_before_it_was_exported_leaves_the_export(quickbooks, workspace):
    config.enable(quickbooks.connection)
    account = linked_account(quickbooks, workspace)
    invoice = issue(workspace, account)
    run_jobs()
    assert row_of(invoice) is not None
    invoice_void(invoice=invoice, actor=ACTOR)
    run_jobs()
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()
    assert row_of(invoice) is None and qbo_invoices(quickbooks) == []


def test_an_invoice_deleted_in_quickbooks_is_removed_with_the_reason_and_retry_makes_it_again(quickbooks, exported,
                                                                                              owner_client):
    record = row_of(exported)
    quickbooks.control("quickbooks-change", entity="Invoice", operation="delete", body={"Id": record.external_id})
    invoice_update(invoice=exported, actor=ACTOR, notes="Second note")
    run_jobs()

    record.refresh_from_db()
    assert (record.status, record.external_id, record.reason) == (SyncStatus.REMOVED, "", KNOWN["610"][0])
    tab = owner_client.get("/integrations/quickbooks/").content.decode()
    assert f"Invoice {exported.number}, ACME Creative Agency" in tab and "Deleted at the provider" in tab

    owner_client.post(f"/integrations/sync/{record.pk}/retry/")
    run_jobs()
    record.refresh_from_db()
    [again] = qbo_invoices(quickbooks)
    assert (record.status, record.external_id) == (SyncStatus.SYNCED, again["Id"])
    assert again["DocNumber"] == exported.number and again["CustomerMemo"] == {"value": "Second note"}


def test_a_customer_made_inactive_in_quickbooks_fails_the_invoice_in_words(quickbooks, workspace, owner_client):
    config.enable(quickbooks.connection)
    account = linked_account(quickbooks, workspace)
    customer_id = row_customer(account)
    quickbooks.control("quickbooks-delete-customer", Id=customer_id)
    invoice = issue(workspace, account)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()

    record = row_of(invoice)
    assert record.status == SyncStatus.FAILED
    assert record.reason.startswith("QuickBooks refused the customer this invoice is for")
    assert "connect ACME Creative Agency to another QuickBooks customer" in record.reason
    assert (record.marker, record.create_started_at) == ("", None)  # nothing was made: the next try is a new create
    assert "QuickBooks refused the customer" in owner_client.get("/integrations/quickbooks/").content.decode()


def test_an_item_made_inactive_in_quickbooks_fails_in_words_and_the_retry_says_what_to_do(quickbooks, exported,
                                                                                          workspace, owner_client):
    item_id = quickbooks.refresh().details["quickbooks_item"]["id"]
    quickbooks.control("quickbooks-change", entity="Item", operation="update", body={"Id": item_id, "Active": False})
    second = issue(workspace, exported.account)
    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()

    record = row_of(second)
    assert record.status == SyncStatus.FAILED
    assert record.reason.startswith("QuickBooks refused the item “Services” that invoice lines go to")
    assert "quickbooks_item" not in quickbooks.refresh().details  # looked up again next time

    owner_client.post(f"/integrations/sync/{record.pk}/retry/")
    run_jobs()
    tab = owner_client.get("/integrations/quickbooks/").content.decode()
    assert "The QuickBooks item “Services” that invoice lines go to is inactive. Make it active in QuickBooks" in tab
    assert len(qbo_invoices(quickbooks)) == 1 and row_of(second).status == SyncStatus.FAILED


def row_customer(account) -> str:
    from hubwire.sync.models import SyncRecord

    return SyncRecord.objects.get(kind="customer", local_id=account.pk).external_id


def test_a_change_while_a_pass_holds_the_invoice_is_sent_after_it_lets_go(quickbooks, exported):
    from datetime import timedelta

    from django.utils import timezone

    from hubwire.events.models import HandlerRun
    from hubwire.sync.models import SyncRecord

    record = row_of(exported)
    SyncRecord.objects.filter(pk=record.pk).update(busy_until=timezone.now() + timedelta(seconds=60))
    invoice_update(invoice=exported, actor=ACTOR, due_date=date(2031, 5, 5))
    run_jobs()
    # The event's handler waits rather than mark a row another pass will overwrite when it lets go.
    assert row_of(exported).status == SyncStatus.SYNCED
    assert HandlerRun.objects.filter(handler="quickbooks.invoices", status="pending").exists()

    SyncRecord.objects.filter(pk=record.pk).update(busy_until=None)
    run_jobs(force=True)
    assert qbo_invoice(quickbooks, record.external_id)["DueDate"] == "2031-05-05"
    assert row_of(exported).status == SyncStatus.SYNCED
