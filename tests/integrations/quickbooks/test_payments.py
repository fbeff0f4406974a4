"""Payments both ways, against sandbox QuickBooks over HTTP. A payment recorded in QuickBooks marks the
exported hubwire invoice paid, once however often it is reported, and is not sent back; a payment in
hubwire of an exported invoice becomes one QuickBooks Payment applied to it, never two."""

from django.utils import timezone

from hubwire.crm.models import InvoiceStatus, Payment
from hubwire.events.models import HandlerRun
from hubwire.crm.services.documents import invoice_mark_paid, payment_record
from hubwire.integrations.quickbooks import changes
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.quickbooks.payments import label
from hubwire.jobs.runner import execute
from hubwire.sandbox.quickbooks import entities
from hubwire.sandbox.quickbooks.models import Entity
from hubwire.sync.ledger import record_save
from hubwire.sync.models import SyncPass, SyncRecord, SyncRun, Trigger
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.books import link, listen

pytestmark = SANDBOX_DB
API = "quickbooks.api.intuit.com"


def qbo_payments(quickbooks) -> list[dict]:
    return [e.body for e in Entity.objects.filter(realm_id=quickbooks.realm_id, kind="Payment", deleted=False)]


def payment_posts(quickbooks) -> list:
    """hubwire's writes of payments to QuickBooks."""
    return quickbooks.sandbox.calls(API, f"/v3/company/{quickbooks.realm_id}/payment")


def test_a_payment_recorded_in_quickbooks_marks_the_hubwire_invoice_paid_once(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace, amount=125000)
    recorded = quickbooks.control("quickbooks-record-payment", invoice_id=linked.qbo_invoice["Id"])["Payment"]
    run_jobs()

    linked.invoice.refresh_from_db()
    assert linked.invoice.status == InvoiceStatus.PAID and linked.invoice.paid_at
    [payment] = Payment.objects.filter(invoice=linked.invoice)
    assert (payment.amount, payment.reference) == (125000, f"QuickBooks payment {recorded['Id']}")
    row = SyncRecord.objects.get(kind="payment")
    assert (row.local_id, row.external_id, row.status) == (payment.pk, recorded["Id"], "synced")
    assert row.synced["applied"] == {linked.qbo_invoice["Id"]: payment.pk}

    # Intuit delivers it again, and the hourly read reads it again: still one payment
    quickbooks.control("quickbooks-notify", entity="Payment", id=recorded["Id"], operation="Update")
    changes.queue(workspace, trigger=Trigger.SCHEDULE)
    run_jobs()
    assert Payment.objects.filter(invoice=linked.invoice).count() == 1
    assert SyncRecord.objects.filter(kind="payment").count() == 1
    # nor was it sent back to QuickBooks when hubwire's invoice became paid
    assert payment_posts(quickbooks) == [] and len(qbo_payments(quickbooks)) == 1
    assert not SyncPass.objects.filter(name="quickbooks.payments").exists()


def test_a_part_payment_in_quickbooks_is_a_part_payment_in_hubwire(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace, amount=10000)
    quickbooks.control("quickbooks-record-payment", invoice_id=linked.qbo_invoice["Id"], amount="40.00")
    run_jobs()
    linked.invoice.refresh_from_db()
    assert linked.invoice.status == InvoiceStatus.PENDING and linked.invoice.balance_due == 6000

    quickbooks.control("quickbooks-record-payment", invoice_id=linked.qbo_invoice["Id"])
    run_jobs()
    linked.invoice.refresh_from_db()
    assert linked.invoice.status == InvoiceStatus.PAID
    assert sorted(p.amount for p in linked.invoice.payments.all()) == [4000, 6000]
    assert payment_posts(quickbooks) == []


def test_a_payment_of_an_invoice_hubwire_did_not_export_is_left_alone(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace)
    with company_api(quickbooks.connection) as qbo:
        elsewhere = qbo.write("Invoice", {"CustomerRef": {"value": linked.customer["Id"]}, "Line": [
            {"DetailType": "SalesItemLineDetail", "Amount": 5, "SalesItemLineDetail": {}}]})
    quickbooks.control("quickbooks-record-payment", invoice_id=elsewhere["Id"])
    run_jobs()
    assert not Payment.objects.exists() and not SyncRecord.objects.filter(kind="payment").exists()
    assert SyncRun.objects.get(what="changes").created == 0


def test_an_invoice_paid_in_both_places_by_hand_is_paid_once_in_each_and_says_so(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace)
    payment_record(invoice=linked.invoice, actor="tests", amount=10000)
    quickbooks.control("quickbooks-record-payment", invoice_id=linked.qbo_invoice["Id"])
    run_jobs()

    assert Payment.objects.filter(invoice=linked.invoice).count() == 1 and len(qbo_payments(quickbooks)) == 1
    from_quickbooks = SyncRecord.objects.get(kind="payment", external_id__gt="")
    assert from_quickbooks.reason.startswith(f"Paid in QuickBooks but not recorded on {linked.invoice.number}")
    from_hubwire = SyncRecord.objects.get(kind="payment", external_id="")
    assert from_hubwire.reason == "QuickBooks already showed this invoice paid, so hubwire sent no payment."


def test_a_payment_in_hubwire_creates_one_quickbooks_payment(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace, amount=125000)
    invoice_mark_paid(invoice=linked.invoice, actor="tests", reference="cheque 0042")
    run_jobs()  # the invoice.paid handler, then the pass it queued

    [sent] = qbo_payments(quickbooks)
    assert sent["CustomerRef"]["value"] == linked.customer["Id"] and sent["TotalAmt"] == 1250.0
    assert sent["Line"] == [{"Amount": 1250.0, "LinkedTxn": [{"TxnId": linked.qbo_invoice["Id"], "TxnType": "Invoice"}]}]
    assert sent["PaymentRefNum"] == "cheque 0042"
    assert entities.read(quickbooks.realm_id, "Invoice", linked.qbo_invoice["Id"])["Balance"] == 0
    [payment] = Payment.objects.filter(invoice=linked.invoice)
    row = SyncRecord.objects.get(kind="payment")
    assert (row.local_id, row.external_id, row.status, row.matched_by) == (payment.pk, sent["Id"], "synced", "created")
    [post] = payment_posts(quickbooks)
    assert post.status == 200

    # QuickBooks reports it back (webhook and the hourly read): not recorded a second time in hubwire
    quickbooks.control("quickbooks-notify", entity="Payment", id=sent["Id"], operation="Create")
    changes.queue(workspace, trigger=Trigger.SCHEDULE)
    run_jobs()
    assert Payment.objects.filter(invoice=linked.invoice).count() == 1
    assert len(qbo_payments(quickbooks)) == 1 and len(payment_posts(quickbooks)) == 1


def test_a_payment_whose_create_answer_was_lost_is_found_again_not_sent_twice(quickbooks, workspace):
    linked = link(quickbooks, workspace, amount=5000)
    listen(quickbooks)
    payment_record(invoice=linked.invoice, actor="tests")
    for run in HandlerRun.objects.filter(status="pending"):  # the handler writes the row with its requestid…
        execute(HandlerRun._meta.label_lower, run.pk)
    row = SyncRecord.objects.get(kind="payment")
    assert row.status == "pending" and row.marker and not row.external_id
    assert SyncPass.objects.get(name="quickbooks.payments").status == "pending"
    # …and the pass's create reached QuickBooks, but the worker died before it stored the answer
    record_save(row, create_started_at=timezone.now())
    with company_api(quickbooks.connection) as qbo:
        qbo.write("Payment", {"CustomerRef": {"value": linked.customer["Id"]}, "TotalAmt": 50, "Line": [
            {"Amount": 50, "LinkedTxn": [{"TxnId": linked.qbo_invoice["Id"], "TxnType": "Invoice"}]}],
            "PrivateNote": f"Paid in hubwire: invoice {linked.invoice.number} (hubwire:{row.marker})"},
            requestid=row.marker)

    run_jobs()

    [only] = qbo_payments(quickbooks)
    row.refresh_from_db()
    assert (row.external_id, row.status) == (only["Id"], "synced")
    assert len(payment_posts(quickbooks)) == 1  # only the one made before the worker died


def test_nothing_is_sent_for_an_invoice_that_is_not_in_quickbooks(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace)
    SyncRecord.objects.filter(kind="invoice").delete()
    invoice_mark_paid(invoice=linked.invoice, actor="tests")
    run_jobs()
    assert not SyncRecord.objects.filter(kind="payment").exists() and qbo_payments(quickbooks) == []


def test_a_payment_deleted_in_quickbooks_is_marked_removed_and_hubwires_payment_stays(quickbooks, workspace):
    listen(quickbooks)
    linked = link(quickbooks, workspace)
    recorded = quickbooks.control("quickbooks-record-payment", invoice_id=linked.qbo_invoice["Id"])["Payment"]
    run_jobs()
    quickbooks.control("quickbooks-change", entity="Payment", operation="delete", body={"Id": recorded["Id"]})
    run_jobs()
    row = SyncRecord.objects.get(kind="payment")
    assert row.status == "removed" and row.reason.startswith("This payment was deleted in QuickBooks.")
    assert Payment.objects.filter(invoice=linked.invoice).count() == 1


def test_a_payment_quickbooks_refuses_fails_with_why_and_the_panels_retry_sends_it_again(quickbooks, workspace,
                                                                                        owner_client):
    listen(quickbooks)
    linked = link(quickbooks, workspace)
    quickbooks.sandbox.control("fault", host=API, path=f"/v3/company/{quickbooks.realm_id}/invoice/", status=400)
    invoice_mark_paid(invoice=linked.invoice, actor="tests")
    run_jobs()
    row = SyncRecord.objects.get(kind="payment")
    assert row.status == "failed" and row.reason.startswith("QuickBooks answered 400")
    assert label(row) == (f"Payment of {linked.invoice.number}", f"/invoices/{linked.invoice.pk}/")
    assert qbo_payments(quickbooks) == []

    answer = owner_client.post(f"/integrations/sync/{row.pk}/retry/")
    assert answer.status_code == 302
    run_jobs()
    row.refresh_from_db()
    [sent] = qbo_payments(quickbooks)
    assert (row.status, row.external_id, row.reason) == ("synced", sent["Id"], "")
