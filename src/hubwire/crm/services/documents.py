"""Quotes, invoices and payments: priced documents with lines, numbers and a status lifecycle."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hubwire.core.errors import FieldError, Unreadable
from hubwire.core.money import line_amount, tax_on
from hubwire.crm.models import (
    Account,
    Contact,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberSequence,
    Payment,
    PaymentMethod,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from hubwire.crm.services import common
from hubwire.crm.services.common import (
    Cleaner,
    Conflict,
    amount,
    choice,
    currency,
    emit_for,
    required_text,
    save_and_emit,
    text,
    transition,
)

MAX_QUANTITY = Decimal("99999999.99")


def next_number(workspace, kind: str, prefix: str) -> str:
    """The next document number of this kind, taken under a row lock (call inside a transaction)."""
    NumberSequence.objects.get_or_create(workspace=workspace, kind=kind)
    seq = NumberSequence.objects.select_for_update().get(workspace=workspace, kind=kind)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    return f"{prefix}{seq.last + 1:04d}"


def _clean_lines(raw_lines, errors: dict) -> list[dict]:
    lines = []
    for index, raw in enumerate(raw_lines or []):
        raw = raw if isinstance(raw, dict) else raw.model_dump()
        where = f"lines.{index}"
        unreadable = {f"{where}.{name}": value.message for name, value in raw.items() if isinstance(value, Unreadable)}
        description = raw.get("description")
        description = description.strip() if isinstance(description, str) else ""
        if not description:
            errors[f"{where}.description"] = "Describe the line."
        if unreadable:  # a page row with a field that could not be read: reported, the rest of it not checked
            errors.update(unreadable)
            continue
        try:
            quantity = Decimal(str(raw.get("quantity", 1)))
            if not (0 < quantity <= MAX_QUANTITY) or quantity != quantity.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[f"{where}.quantity"] = "The quantity must be a positive number with at most two decimals."
            continue
        try:
            unit_amount = amount(raw.get("unit_amount"), f"{where}.unit_amount")
        except FieldError as exc:
            errors.update(exc.errors)
            continue
        lines.append({"description": description, "quantity": quantity, "unit_amount": unit_amount,
                      "amount": line_amount(quantity, unit_amount), "position": index})
    return lines


def _tax_rate(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10000:
        raise FieldError({field: "The tax rate is in basis points, from 0 to 10000 (825 = 8.25%)."})
    return value


def _clean_document(workspace, data: dict, instance, *, extra) -> tuple[dict, list[dict] | None]:
    """What quotes and invoices share: account, contact, currency, tax, lines and derived totals."""
    c = Cleaner(data, instance)
    c.reference("account", Account, workspace, required=True)
    c.reference("contact", Contact, workspace)
    c.field("currency", currency)
    c.field("tax_rate_bp", _tax_rate)
    c.field("notes", text)
    extra(c, workspace)
    lines = _clean_lines(data["lines"], c.errors) if "lines" in data else None
    contact, account = c.current("contact"), c.current("account")
    if contact and account and contact.account_id not in (None, account.pk):
        c.check(False, "contact", f"{contact} is not a contact of {account}.")
    values = c.result()
    amounts = [line["amount"] for line in lines] if lines is not None else (
        list(instance.lines.values_list("amount", flat=True)) if instance else []
    )
    values["subtotal"] = sum(amounts)
    values["tax_amount"] = tax_on(values["subtotal"], c.current("tax_rate_bp") or 0)
    values["total"] = values["subtotal"] + values["tax_amount"]
    return values, lines


def _replace_lines(line_model, parent_field: str, lines: list[dict] | None):
    def after_save(document):
        if lines is None:
            return
        line_model.objects.filter(**{parent_field: document}).delete()
        line_model.objects.bulk_create(line_model(**{parent_field: document}, **line) for line in lines)

    return after_save


# --- quotes ---
def _quote_fields(c: Cleaner, workspace) -> None:
    c.field("title", required_text, always=c.instance is None)
    c.field("valid_until")


def quote_create(*, workspace, actor: str, **data) -> Quote:
    values, lines = _clean_document(workspace, data, None, extra=_quote_fields)
    with transaction.atomic():
        values["number"] = next_number(workspace, "quote", "Q-")
        return save_and_emit(Quote(workspace=workspace), values, event="quote.created", actor=actor,
                             after_save=_replace_lines(QuoteLine, "quote", lines))


def quote_update(*, quote: Quote, actor: str, **data) -> Quote:
    if quote.status != QuoteStatus.DRAFT:
        raise Conflict(f"Only a draft quote can be edited; {quote.number} is {quote.get_status_display().lower()}.")
    values, lines = _clean_document(quote.workspace, data, quote, extra=_quote_fields)
    return save_and_emit(quote, values, event="quote.updated", actor=actor,
                         after_save=_replace_lines(QuoteLine, "quote", lines))


def quote_send(*, quote: Quote, actor: str) -> Quote:
    if not quote.lines.exists():
        raise Conflict(f"{quote.number} has no lines; add at least one before sending it.")
    return transition(quote, allowed_from=(QuoteStatus.DRAFT,), to=QuoteStatus.SENT, stamp="sent_at",
                      event="quote.sent", actor=actor, verb="send")


def quote_accept(*, quote: Quote, actor: str) -> Quote:
    return transition(quote, allowed_from=(QuoteStatus.DRAFT, QuoteStatus.SENT), to=QuoteStatus.ACCEPTED,
                      stamp="decided_at", event="quote.accepted", actor=actor, verb="accept")


def quote_decline(*, quote: Quote, actor: str) -> Quote:
    return transition(quote, allowed_from=(QuoteStatus.DRAFT, QuoteStatus.SENT), to=QuoteStatus.DECLINED,
                      stamp="decided_at", event="quote.declined", actor=actor, verb="decline")


# --- invoices ---
# What may still change once an invoice is issued: who it is for and when it is due, not what it costs.
EDITABLE_WHEN_PENDING = {"contact", "due_date", "notes"}


def _invoice_fields(c: Cleaner, workspace) -> None:
    c.field("due_date")
    c.reference("quote", Quote, workspace)


def invoice_create(*, workspace, actor: str, **data) -> Invoice:
    values, lines = _clean_document(workspace, data, None, extra=_invoice_fields)
    with transaction.atomic():
        values["number"] = next_number(workspace, "invoice", "INV-")
        return save_and_emit(Invoice(workspace=workspace), values, event="invoice.created", actor=actor,
                             after_save=_replace_lines(InvoiceLine, "invoice", lines))


def invoice_update(*, invoice: Invoice, actor: str, **data) -> Invoice:
    if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.VOID):
        raise Conflict(f"{invoice.number} is {invoice.get_status_display().lower()} and can no longer be edited.")
    if invoice.status == InvoiceStatus.PENDING:
        locked = sorted(k for k in data if k not in EDITABLE_WHEN_PENDING and _changes(invoice, k, data[k]))
        if locked:
            raise FieldError({k: "An issued invoice's amounts cannot change; void it and issue a new one." for k in locked})
    values, lines = _clean_document(invoice.workspace, data, invoice, extra=_invoice_fields)
    return save_and_emit(invoice, values, event="invoice.updated", actor=actor,
                         after_save=_replace_lines(InvoiceLine, "invoice", lines))


def _changes(invoice: Invoice, field: str, value) -> bool:
    if field == "lines":
        old = [(l.description, l.quantity, l.unit_amount) for l in invoice.lines.all()]
        new = [(d.get("description", "").strip(), Decimal(str(d.get("quantity", 1))), d.get("unit_amount"))
               for d in (x if isinstance(x, dict) else x.model_dump() for x in value or [])]
        return old != new
    current = getattr(invoice, field, None)
    return getattr(current, "pk", current) != getattr(value, "pk", value)


def invoice_send(*, invoice: Invoice, actor: str) -> Invoice:
    if not invoice.lines.exists():
        raise Conflict(f"{invoice.number} has no lines; add at least one before issuing it.")
    return transition(invoice, allowed_from=(InvoiceStatus.DRAFT,), to=InvoiceStatus.PENDING, stamp="sent_at",
                      event="invoice.sent", actor=actor, verb="send")


def invoice_void(*, invoice: Invoice, actor: str) -> Invoice:
    return transition(invoice, allowed_from=(InvoiceStatus.DRAFT, InvoiceStatus.PENDING), to=InvoiceStatus.VOID,
                      stamp="voided_at", event="invoice.voided", actor=actor, verb="void")


def payment_record(*, invoice: Invoice, actor: str, amount: int | None = None, method: str = PaymentMethod.MANUAL,
                   reference: str = "", received_at=None) -> Payment:
    """Record a payment; when it settles the balance, the invoice becomes paid (`invoice.paid`)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status not in (InvoiceStatus.DRAFT, InvoiceStatus.PENDING):
            raise Conflict(f"{invoice.number} is {invoice.get_status_display().lower()}; it takes no payments.")
        balance = invoice.balance_due
        if not balance:
            raise Conflict(f"Nothing is due on {invoice.number}; it takes no payments.")
        value = balance if amount is None else common.amount(amount, "amount")
        c = Cleaner({"method": method})
        c.field("method", choice(PaymentMethod))
        c.check(value > 0, "amount", "A payment must be more than zero.")
        c.check(value <= balance, "amount", f"That is more than the balance due ({balance} minor units).")
        c.result()
        payment = Payment.objects.create(workspace=invoice.workspace, invoice=invoice, amount=value,
                                         currency=invoice.currency, method=method, reference=(reference or "").strip(),
                                         received_at=received_at or timezone.now())
        emit_for(payment, "payment.received", actor=actor)
        if value == balance:
            save_and_emit(invoice, {"status": InvoiceStatus.PAID, "paid_at": payment.received_at},
                          event="invoice.paid", actor=actor)
        return payment


def invoice_mark_paid(*, invoice: Invoice, actor: str, method: str = PaymentMethod.MANUAL, reference: str = "") -> Invoice:
    payment_record(invoice=invoice, actor=actor, method=method, reference=reference)
    invoice.refresh_from_db()
    return invoice
