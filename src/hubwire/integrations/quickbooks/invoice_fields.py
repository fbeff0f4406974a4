"""What the QuickBooks Invoice of a hubwire invoice says (providers.md §2.3): its customer, number,
dates, currency, lines on the business's service item, hubwire's tax as a line of its own when the
business chose that, and the invoice's notes as the message to the customer.

The result is what the ledger keeps as `synced` once QuickBooks accepted it, so it must come out the
same for the same invoice every time: a later pass sends only the fields that differ (sparse update)."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from hubwire.core.money import to_major
from hubwire.crm.models import Invoice

DOC_NUMBER_MAX = 21  # Invoice.DocNumber: "max 21 chars" (Intuit API reference, Invoice)
MEMO_MAX = 1000  # Invoice.CustomerMemo: "max 1000 chars" (Intuit API reference, Invoice)
TAX_LINE = "line"


class NotExportable(ValueError):
    """The invoice cannot go to QuickBooks as it is; the message says why, in words."""


def amount(minor: int, currency: str) -> float:
    """Minor units as the decimal number QuickBooks' JSON carries (1250 USD -> 12.5)."""
    return float(to_major(minor, currency))


def _item_line(description: str, quantity: Decimal, unit: int, total: int, currency: str, item_id: str) -> dict:
    return {"DetailType": "SalesItemLineDetail", "Amount": amount(total, currency), "Description": description,
            "SalesItemLineDetail": {"ItemRef": {"value": item_id}, "Qty": float(quantity),
                                    "UnitPrice": amount(unit, currency)}}


def tax_words(rate_bp: int) -> str:
    rate = (Decimal(rate_bp) / 100).normalize()
    return f"Tax ({rate:f}%)"


def invoice_fields(invoice: Invoice, *, customer_id: str, item_id: str, tax: str, zone: ZoneInfo) -> dict:
    """The Invoice body for QuickBooks (without Id and SyncToken). `invoice.lines` should be prefetched."""
    if len(invoice.number) > DOC_NUMBER_MAX:
        raise NotExportable(f"QuickBooks takes invoice numbers of at most {DOC_NUMBER_MAX} characters, and "
                            f"{invoice.number} has {len(invoice.number)}.")
    currency = invoice.currency
    lines = [_item_line(line.description, line.quantity, line.unit_amount, line.amount, currency, item_id)
             for line in invoice.lines.all()]
    if not lines:
        raise NotExportable(f"{invoice.number} has no lines, and QuickBooks needs at least one.")
    if tax == TAX_LINE and invoice.tax_amount:
        # hubwire's own tax amount as one more line: QuickBooks' TxnTaxDetail needs a tax code of the
        # company's, which hubwire does not ask for (config.TAX_CHOICES).
        lines.append(_item_line(tax_words(invoice.tax_rate_bp), Decimal(1), invoice.tax_amount, invoice.tax_amount,
                                currency, item_id))
    issued = (invoice.sent_at or invoice.created_at).astimezone(zone).date().isoformat()
    return {
        "CustomerRef": {"value": customer_id},
        "DocNumber": invoice.number,
        "TxnDate": issued,
        # No due date in hubwire means due on receipt: said outright, so that QuickBooks does not apply
        # the customer's terms and show a date hubwire never gave.
        "DueDate": invoice.due_date.isoformat() if invoice.due_date else issued,
        "CurrencyRef": {"value": currency},
        "Line": lines,
        "CustomerMemo": {"value": invoice.notes[:MEMO_MAX]},
    }


def held_fields(remote: dict) -> dict:
    """What a QuickBooks Invoice holds, in the shape invoice_fields makes: what an invoice found again
    after an unanswered create is compared with, so that a change made in hubwire meanwhile is sent."""

    def line(held: dict) -> dict:
        detail = held.get("SalesItemLineDetail") or {}
        return {"DetailType": held.get("DetailType"), "Amount": held.get("Amount"),
                "Description": held.get("Description"),
                "SalesItemLineDetail": {"ItemRef": {"value": (detail.get("ItemRef") or {}).get("value")},
                                        "Qty": detail.get("Qty"), "UnitPrice": detail.get("UnitPrice")}}

    def ref(name: str) -> dict:
        return {"value": (remote.get(name) or {}).get("value")}

    return {
        "CustomerRef": ref("CustomerRef"),
        "DocNumber": remote.get("DocNumber"),
        "TxnDate": remote.get("TxnDate"),
        "DueDate": remote.get("DueDate"),
        "CurrencyRef": ref("CurrencyRef"),
        "Line": [line(x) for x in remote.get("Line") or [] if x.get("DetailType") == "SalesItemLineDetail"],
        "CustomerMemo": {"value": (remote.get("CustomerMemo") or {}).get("value", "")},
    }
