"""Payments, both ways, on the ledger kind "payment" (local_id = the CRM Payment, external_id = the
QuickBooks Payment's Id).

From QuickBooks: a Payment that change data capture reports (changes.py), applied to an invoice
hubwire exported, is recorded on the hubwire invoice once (crm payment_record, which marks it paid
when the balance is settled), however often the pass reads it. Its ledger row is written in the same
transaction as the payment and remembers which invoices it has been recorded on (`synced["applied"]`,
QuickBooks invoice Id → CRM payment id), so a repeat is a no-op and a payment is never sent back.

To QuickBooks: when a hubwire invoice that is in QuickBooks is paid (`invoice.paid`), each of its
payments that did not come from QuickBooks gets a ledger row with a `requestid` (the row's marker),
committed before anything is sent; the pass "quickbooks.payments" then creates one QuickBooks Payment
per row, applied to the invoice. The marker also travels in the payment's memo, so the change pass
knows hubwire's own payments when QuickBooks reports them back, even before their create answered."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.core.money import to_major, to_minor
from hubwire.crm.models import Invoice, Payment, PaymentMethod
from hubwire.crm.services.common import Conflict
from hubwire.crm.services.documents import payment_record
from hubwire.events.registry import on
from hubwire.integrations.http import ProviderError
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.quickbooks.config import enabled_connection, quickbooks_on
from hubwire.jobs.models import RetryLater
from hubwire.sync.ledger import create_once, leased, new_marker, record_save
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus, Trigger
from hubwire.sync.passes import progress, queue_pass
from hubwire.sync.registry import pass_handler, record_label, retry_handler
from hubwire.sync.rules import zone_of
from hubwire.sync.runs import sync_run

KIND = "payment"
SEND = "quickbooks.payments"
SEND_TITLE = "Send payments to QuickBooks"
ACTOR = "QuickBooks"
RETRY_SECONDS = 60.0
MARKER_IN_MEMO = re.compile(r"hubwire:([0-9a-f]{16})")
PAYMENT_REF_NUM_MAX = 21  # Payment.PaymentRefNum: "max 21 chars" (Intuit API reference, Payment)
VOIDED_NOTE = "Voided"  # QuickBooks' memo of a voided transaction
# QuickBooks' default payment methods, as a CRM payment method (the rest are "recorded by hand").
METHODS = {"cash": PaymentMethod.CASH, "check": PaymentMethod.CHECK, "credit card": PaymentMethod.CARD,
           "visa": PaymentMethod.CARD, "mastercard": PaymentMethod.CARD, "american express": PaymentMethod.CARD,
           "discover": PaymentMethod.CARD, "diners club": PaymentMethod.CARD}


def _ledger(workspace):
    return SyncRecord.objects.filter(workspace=workspace, provider="quickbooks")


def _marker_of(payment: dict) -> str:
    found = MARKER_IN_MEMO.search(str(payment.get("PrivateNote") or ""))
    return found.group(1) if found else ""


def applied_to(payment: dict) -> list[tuple[str, Decimal]]:
    """(QuickBooks invoice Id, amount) of each line of the payment applied to an invoice."""
    return [(str(link.get("TxnId")), Decimal(str(line.get("Amount") or 0)))
            for line in payment.get("Line") or [] for link in line.get("LinkedTxn") or []
            if link.get("TxnType") == "Invoice"]


def _cancelled(payment: dict) -> str:
    if payment.get("status") == "Deleted":
        return "deleted"
    if payment.get("PrivateNote") == VOIDED_NOTE and not payment.get("TotalAmt"):
        return "voided"
    return ""


# --- from QuickBooks -------------------------------------------------------------------------------

def payments_changed(connection, objects: list[dict], run) -> None:
    """What change data capture says about payments. The ledger rows they may concern are read in three
    queries for the whole answer; only a payment new to hubwire writes anything."""
    workspace = connection.workspace
    ids = {p["Id"] for p in objects}
    known = {r.external_id: r for r in _ledger(workspace).filter(kind=KIND, external_id__in=ids)}
    markers = {m for m in map(_marker_of, objects) if m}
    ours = {r.marker: r for r in _ledger(workspace).filter(kind=KIND, marker__in=markers)} if markers else {}
    invoice_ids = {txn for p in objects for txn, _ in applied_to(p)}
    exported = {r.external_id: r.local_id for r in _ledger(workspace).filter(kind="invoice", external_id__in=invoice_ids)
                .exclude(local_id=None)}
    for payment in objects:
        row = known.get(payment["Id"]) or ours.get(_marker_of(payment))
        how = _cancelled(payment)
        if how:
            if row is not None and row.status != SyncStatus.REMOVED:
                record_save(row, status=SyncStatus.REMOVED, reason=(
                    f"This payment was {how} in QuickBooks. hubwire keeps the payment it recorded; remove it from "
                    "the invoice by hand if it was a mistake."))
                run.removed += 1
            continue
        if row is not None and row.marker and row.marker == _marker_of(payment):
            _adopt(row, payment)  # hubwire's own payment, reported back
            continue
        links = [(txn, amount) for txn, amount in applied_to(payment) if txn in exported and amount > 0]
        if links and (row is None or any(txn not in row.synced.get("applied", {}) for txn, _ in links)):
            _record(connection, payment, links, exported, run)


def _adopt(row: SyncRecord, payment: dict) -> None:
    """A payment hubwire sent: its row learns its Id if the create's answer has not arrived yet."""
    if not row.external_id:
        SyncRecord.objects.filter(pk=row.pk, external_id="").update(external_id=payment["Id"],
                                                                    updated_at=timezone.now())


def _record(connection, payment: dict, links: list[tuple[str, Decimal]], exported: dict[str, int], run) -> None:
    """Record the payment on each exported invoice it pays that it is not recorded on yet, and its
    ledger row with it, in one transaction (the row locked, so two passes cannot both record it)."""
    workspace = connection.workspace
    notes = []
    with transaction.atomic():
        row, _ = SyncRecord.objects.select_for_update().get_or_create(
            workspace=workspace, provider="quickbooks", kind=KIND, external_id=payment["Id"],
            defaults={"status": SyncStatus.SYNCED, "matched_by": MatchedBy.PROVIDER, "synced": {"applied": {}}})
        applied = dict(row.synced.get("applied", {}))
        invoices = Invoice.objects.filter(workspace=workspace, pk__in=[exported[txn] for txn, _ in links]).in_bulk()
        for txn, amount in links:
            if txn in applied:
                continue
            invoice = invoices.get(exported[txn])
            if invoice is None:
                applied[txn] = None
                notes.append(f"QuickBooks invoice {txn}'s hubwire invoice no longer exists.")
                continue
            recorded, words = _record_on(invoice, payment, amount)
            applied[txn] = recorded.pk if recorded else None
            if recorded:
                run.created += 1
            else:
                notes.append(words)
        first = next((pk for pk in applied.values() if pk), None)
        record_save(row, local_id=row.local_id or first, version=str(payment.get("SyncToken", "")),
                    synced={"applied": applied, "TotalAmt": payment.get("TotalAmt")}, status=SyncStatus.SYNCED,
                    reason=" ".join(notes), synced_at=timezone.now())


def _record_on(invoice: Invoice, payment: dict, amount: Decimal) -> tuple[Payment | None, str]:
    """The CRM payment for what the QuickBooks payment applies to this invoice (no more than is due in
    hubwire), or None and why not, in words."""
    minor = to_minor(amount, invoice.currency)
    due = invoice.balance_due
    try:
        recorded = payment_record(invoice=invoice, actor=ACTOR, amount=min(minor, due) if due else minor,
                                  method=_method(payment), reference=f"QuickBooks payment {payment['Id']}",
                                  received_at=_received_at(invoice.workspace, payment))
    except (Conflict, FieldError) as exc:
        words = " ".join(exc.errors.values()) if isinstance(exc, FieldError) else str(exc)
        return None, f"Paid in QuickBooks but not recorded on {invoice.number}: {words}"
    return recorded, ""


def _method(payment: dict) -> str:
    name = str((payment.get("PaymentMethodRef") or {}).get("name") or "").strip().lower()
    return METHODS.get(name, PaymentMethod.MANUAL)


def _received_at(workspace, payment: dict) -> datetime:
    """The payment's date in QuickBooks; today's is now (a past date is taken as its midday)."""
    try:
        day = date.fromisoformat(str(payment.get("TxnDate") or ""))
    except ValueError:
        return timezone.now()
    zone = zone_of(workspace)
    if day >= timezone.now().astimezone(zone).date():
        return timezone.now()
    return datetime.combine(day, time(12), tzinfo=zone)


# --- to QuickBooks ---------------------------------------------------------------------------------

@on("invoice.paid", name="quickbooks.payments_follow", wanted=quickbooks_on)
def invoice_paid(event) -> None:
    """Queue the invoice's payments that QuickBooks does not have yet; nothing without QuickBooks, or
    for an invoice that is not in QuickBooks."""
    connection = enabled_connection(event.workspace)
    if connection is None:
        return
    invoice_row = (_ledger(event.workspace).filter(kind="invoice", local_id=event.data["id"])
                   .exclude(external_id="").exclude(status=SyncStatus.REMOVED).first())
    if invoice_row is None:
        return
    paid = set(Payment.objects.filter(workspace=event.workspace, invoice_id=event.data["id"])
               .values_list("pk", flat=True))
    known = set(_ledger(event.workspace).filter(kind=KIND, local_id__in=paid).values_list("local_id", flat=True))
    for synced in _ledger(event.workspace).filter(kind=KIND, synced__applied__has_key=invoice_row.external_id) \
            .values_list("synced", flat=True):
        known.add(synced["applied"][invoice_row.external_id])  # recorded from QuickBooks: not sent back
    waiting = sorted(paid - known)
    if not waiting:
        return
    SyncRecord.objects.bulk_create([
        SyncRecord(workspace=event.workspace, provider="quickbooks", kind=KIND, local_id=pk, marker=new_marker(),
                   status=SyncStatus.PENDING, reason="Waiting to be sent to QuickBooks.", requested_by=Trigger.CHANGE)
        for pk in waiting], ignore_conflicts=True)
    queue_pass(event.workspace, "quickbooks", SEND, title=SEND_TITLE, trigger=Trigger.CHANGE)


@pass_handler(SEND)
def send_pass(sync_pass) -> str:
    connection = enabled_connection(sync_pass.workspace)
    if connection is None:
        return "Nothing sent: QuickBooks is not connected, or the integration is turned off"
    rows = list(_ledger(sync_pass.workspace).filter(kind=KIND, status=SyncStatus.PENDING, external_id="")
                .exclude(local_id=None).order_by("pk"))
    with sync_run(workspace=sync_pass.workspace, provider="quickbooks", what="payments",
                  trigger=sync_pass.trigger) as run, company_api(connection) as qbo:
        for done, row in enumerate(rows, start=1):
            try:
                payment_send(qbo, row, run)
            except ProviderError as exc:
                if exc.retryable:
                    raise RetryLater(str(exc), after_seconds=exc.retry_after or RETRY_SECONDS) from exc
                record_save(row, status=SyncStatus.FAILED, reason=str(exc))
                run.failed_record(row, str(exc))
            progress(sync_pass, done=done, total=len(rows))
    return f"{len(rows)} payment(s) for QuickBooks: {run.counts_in_words}"


def payment_send(qbo, row: SyncRecord, run) -> None:
    """Create the QuickBooks Payment of one CRM payment, applied to its invoice, at most once: the
    create carries the row's marker as `requestid` (Intuit answers a repeat with the first answer) and
    in the memo, where a retry after an unseen create finds it before creating anything."""
    with leased(row):
        payment = Payment.objects.select_related("invoice").filter(workspace=row.workspace, pk=row.local_id).first()
        invoice_row = None if payment is None else (_ledger(row.workspace).filter(kind="invoice",
                                                    local_id=payment.invoice_id).exclude(external_id="").first())
        if invoice_row is None:
            record_save(row, status=SyncStatus.FAILED,
                        reason="The payment or its invoice is no longer in hubwire, or the invoice is not in QuickBooks.")
            run.failed_record(row, row.reason)
            return
        invoice = qbo.read("Invoice", invoice_row.external_id)
        customer = str(invoice["CustomerRef"]["value"])
        amount = min(to_major(payment.amount, payment.currency), Decimal(str(invoice.get("Balance") or 0)))

        def find(marker: str):
            statement = f"SELECT * FROM Payment WHERE CustomerRef = '{customer}'"
            found = next((p for p in qbo.query(statement) if _marker_of(p) == marker), None)
            return (found, {}) if found is not None else None

        if amount > 0:
            wanted = _payment_body(payment, row, customer=customer, invoice_id=invoice_row.external_id, amount=amount)
            remote = create_once(row, wanted=wanted, find=find,
                                 create=lambda body: qbo.write("Payment", body, requestid=row.marker)).remote
        else:
            found = find(row.marker) if row.create_started_at else None
            if found is None:
                record_save(row, status=SyncStatus.SYNCED, synced_at=timezone.now(),
                            reason="QuickBooks already showed this invoice paid, so hubwire sent no payment.")
                run.updated += 1
                return
            remote = found[0]
        record_save(row, external_id=remote["Id"], version=str(remote.get("SyncToken", "")), status=SyncStatus.SYNCED,
                    reason="", matched_by=MatchedBy.CREATED, synced_at=timezone.now(),
                    synced={"applied": {invoice_row.external_id: payment.pk}, "TotalAmt": remote.get("TotalAmt")})
        run.created += 1


def _payment_body(payment: Payment, row: SyncRecord, *, customer: str, invoice_id: str, amount: Decimal) -> dict:
    body = {
        "CustomerRef": {"value": customer}, "TotalAmt": float(amount),
        "TxnDate": payment.received_at.astimezone(zone_of(row.workspace)).date().isoformat(),
        "Line": [{"Amount": float(amount), "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]}],
        "PrivateNote": f"Paid in hubwire: invoice {payment.invoice.number} (hubwire:{row.marker})",
    }
    if payment.reference:
        body["PaymentRefNum"] = payment.reference[:PAYMENT_REF_NUM_MAX]
    return body


# --- on the sync panel -----------------------------------------------------------------------------

@retry_handler("quickbooks", KIND)
def retry(record) -> str:
    if record.external_id:
        return "This payment came from QuickBooks or is already there; there is nothing to send again."
    record_save(record, status=SyncStatus.PENDING, reason="Waiting to be sent to QuickBooks.",
                requested_by=Trigger.BUTTON)
    queue_pass(record.workspace, "quickbooks", SEND, title=SEND_TITLE, trigger=Trigger.BUTTON)
    return "Sending this payment to QuickBooks again."


@record_label("quickbooks", KIND)
def label(record) -> tuple[str, str]:
    """The invoice it pays, linking to the invoice's page."""
    payment = Payment.objects.select_related("invoice").filter(workspace=record.workspace, pk=record.local_id).first()
    if payment is None:
        return f"QuickBooks payment {record.external_id or '(not sent)'}", ""
    return (f"Payment of {payment.invoice.number}", reverse("crm:detail", args=["invoices", payment.invoice_id]))
