"""The objects of a sandbox QuickBooks company and the rules Intuit applies to writing them
(providers.md §2.3): Customer, Invoice, Item and Payment create, read, update (sparse or full,
guarded by `SyncToken`), Invoice and Payment void and delete. A Payment applied to invoices lowers
their Balance (and links them, LinkedTxn), which a change, void or delete of the payment gives back.
Each operation answers the entity as the API returns it or raises a QboFault; api.py, the batch
endpoint and the test hooks all write through here."""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from hubwire.sandbox import clock
from hubwire.sandbox.quickbooks import wire
from hubwire.sandbox.quickbooks.models import Company, Entity

KINDS = ("Customer", "Invoice", "Item", "Payment")
# Transactions are voided and deleted; list entities (customers, items) are only made inactive.
TRANSACTIONS = ("Invoice", "Payment")
USD = {"value": "USD", "name": "United States Dollar"}
DISPLAY_NAME_MAX = 500  # Customer.DisplayName: "max 500 chars" (Intuit API reference, Customer)
DOC_NUMBER_MAX = 21  # Invoice.DocNumber: "max 21 chars" (Intuit API reference, Invoice)
NAME_PARTS = ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")
DELETED_SUFFIX = " (deleted)"  # QuickBooks renames a customer it makes inactive, freeing its name

# What each kind accepts in a write (the API reference's writable fields), and the type of those we check.
TEXT, OBJECT, FLAG, NUMBER, LIST = str, dict, bool, (int, float), list
CUSTOMER_FIELDS = {
    "DisplayName": TEXT, "Title": TEXT, "GivenName": TEXT, "MiddleName": TEXT, "FamilyName": TEXT, "Suffix": TEXT,
    "CompanyName": TEXT, "PrintOnCheckName": TEXT, "Notes": TEXT, "ResaleNum": TEXT, "PrimaryTaxIdentifier": TEXT,
    "PreferredDeliveryMethod": TEXT, "PrimaryEmailAddr": OBJECT, "PrimaryPhone": OBJECT, "Mobile": OBJECT,
    "Fax": OBJECT, "AlternatePhone": OBJECT, "WebAddr": OBJECT, "BillAddr": OBJECT, "ShipAddr": OBJECT,
    "CurrencyRef": OBJECT, "ParentRef": OBJECT, "SalesTermRef": OBJECT, "PaymentMethodRef": OBJECT,
    "DefaultTaxCodeRef": OBJECT, "CustomerTypeRef": OBJECT, "ARAccountRef": OBJECT, "Active": FLAG,
    "Taxable": FLAG, "Job": FLAG, "BillWithParent": FLAG, "OpenBalanceDate": TEXT, "Level": NUMBER,
    "TaxExemptionReasonId": TEXT, "Source": TEXT, "GSTIN": TEXT, "BusinessNumber": TEXT,
}
INVOICE_FIELDS = {
    "Line": LIST, "CustomerRef": OBJECT, "DocNumber": TEXT, "TxnDate": TEXT, "DueDate": TEXT, "ShipDate": TEXT,
    "CurrencyRef": OBJECT, "ExchangeRate": NUMBER, "BillEmail": OBJECT, "BillEmailCc": OBJECT,
    "BillEmailBcc": OBJECT, "BillAddr": OBJECT, "ShipAddr": OBJECT, "ShipFromAddr": OBJECT, "CustomerMemo": OBJECT,
    "PrivateNote": TEXT, "SalesTermRef": OBJECT, "TxnTaxDetail": OBJECT, "ApplyTaxAfterDiscount": FLAG,
    "GlobalTaxCalculation": TEXT, "EmailStatus": TEXT, "PrintStatus": TEXT, "AllowOnlinePayment": FLAG,
    "AllowOnlineCreditCardPayment": FLAG, "AllowOnlineACHPayment": FLAG, "DepartmentRef": OBJECT,
    "ClassRef": OBJECT, "CustomField": LIST, "LinkedTxn": LIST, "DepositToAccountRef": OBJECT, "Deposit": NUMBER,
    "TrackingNum": TEXT, "ShipMethodRef": OBJECT, "TxnSource": TEXT, "TransactionLocationType": TEXT,
}
ITEM_FIELDS = {
    "Name": TEXT, "Type": TEXT, "Description": TEXT, "Active": FLAG, "UnitPrice": NUMBER, "Taxable": FLAG,
    "IncomeAccountRef": OBJECT, "ExpenseAccountRef": OBJECT, "Sku": TEXT, "SubItem": FLAG, "ParentRef": OBJECT,
}
# The Payment's writable fields (API reference, Payment): TotalAmt and CustomerRef are required; each Line
# applies its Amount to the transaction its LinkedTxn names, and what no line applies is UnappliedAmt.
PAYMENT_FIELDS = {
    "CustomerRef": OBJECT, "TotalAmt": NUMBER, "Line": LIST, "TxnDate": TEXT, "PaymentRefNum": TEXT,
    "PrivateNote": TEXT, "PaymentMethodRef": OBJECT, "DepositToAccountRef": OBJECT, "ARAccountRef": OBJECT,
    "CurrencyRef": OBJECT, "ExchangeRate": NUMBER, "ProcessPayment": FLAG, "CreditCardPayment": OBJECT,
    "TxnSource": TEXT, "TransactionLocationType": TEXT, "ProjectRef": OBJECT, "TaxExemptionRef": OBJECT,
}
WRITABLE = {"Customer": CUSTOMER_FIELDS, "Invoice": INVOICE_FIELDS, "Item": ITEM_FIELDS, "Payment": PAYMENT_FIELDS}
# Sent back by clients that echo what they read; QuickBooks keeps its own values for these (unless the
# kind takes the field itself: a Payment's TotalAmt is what the client says).
READ_ONLY = {"Id", "SyncToken", "sparse", "MetaData", "domain", "Balance", "BalanceWithJobs", "FullyQualifiedName",
             "TotalAmt", "HomeTotalAmt", "HomeBalance", "InvoiceLink", "IsProject", "status", "LineNum",
             "UnappliedAmt"}
PAYMENT_REF_NUM_MAX = 21  # Payment.PaymentRefNum: "max 21 chars" (Intuit API reference, Payment)
PRIVATE_NOTE_MAX = 4000  # PrivateNote: "max 4000 chars" (Intuit API reference)
VOIDED_NOTE = "Voided"  # what QuickBooks writes in a voided transaction's memo
LINE_TYPES = {"SalesItemLineDetail", "DescriptionOnly", "DiscountLineDetail", "SubTotalLineDetail", "GroupLineDetail"}
ITEM_TYPES = {"Service", "NonInventory", "Inventory", "Category", "Group"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- the company -----------------------------------------------------------------------------------

# Intuit's sandbox companies come with sample customers; these (with HUBWIRE_SANDBOX_QBO_SAMPLE_DATA,
# which `hubwire run` sets) include one with the demo ACME's email, so that a first connect matches it.
SAMPLE_CUSTOMERS = (
    {"DisplayName": "Acme Creative", "CompanyName": "ACME Creative Agency",
     "PrimaryEmailAddr": {"Address": "hello@acme-creative.example"}},
    {"DisplayName": "Amy's Bird Sanctuary", "PrimaryEmailAddr": {"Address": "birds@intuit.example"}},
    {"DisplayName": "Bill's Windsurf Shop", "PrimaryEmailAddr": {"Address": "surf@intuit.example"}},
)


def company(realm_id: str) -> Company:
    found, created = Company.objects.get_or_create(realm_id=realm_id,
                                                   defaults={"name": f"Sandbox Company_US_{realm_id[-4:]}"})
    if created and settings.HUBWIRE_SANDBOX_QBO_SAMPLE_DATA:
        for customer in SAMPLE_CUSTOMERS:
            operate(realm_id, "Customer", "create", dict(customer))
    return found


def company_info(realm_id: str) -> dict:
    found = company(realm_id)
    created = wire.timestamp(clock.now())
    address = {"Id": "1", "Line1": "123 Sierra Way", "City": "San Pablo", "CountrySubDivisionCode": "CA",
               "PostalCode": "87999"}
    return {"CompanyName": found.name, "LegalName": found.name, "CompanyAddr": address, "LegalAddr": address,
            "CustomerCommunicationAddr": address, "Country": "US", "SupportedLanguages": "en",
            "Email": {"Address": "noreply@quickbooks.com"}, "FiscalYearStartMonth": "January",
            "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "0",
            "MetaData": {"CreateTime": created, "LastUpdatedTime": created}}


def _new_id(realm_id: str) -> str:
    Company.objects.filter(realm_id=realm_id).update(next_id=F("next_id") + 1)
    return str(Company.objects.get(realm_id=realm_id).next_id - 1)


def _new_doc_number(realm_id: str) -> str:
    while True:
        Company.objects.filter(realm_id=realm_id).update(next_doc_number=F("next_doc_number") + 1)
        number = str(Company.objects.get(realm_id=realm_id).next_doc_number - 1)
        if not Entity.objects.filter(realm_id=realm_id, name_space="DocNumber", name_key=number).exists():
            return number


# --- reading ---------------------------------------------------------------------------------------

def _live(realm_id: str, kind: str, entity_id, *, for_update: bool = False) -> Entity | None:
    """The object of this kind and id, unless deleted; for_update holds its row until the write commits."""
    found = Entity.objects.filter(realm_id=realm_id, kind=kind, entity_id=str(entity_id), deleted=False)
    return (found.select_for_update() if for_update else found).first()


def find(realm_id: str, kind: str, entity_id, *, for_update: bool = False) -> Entity:
    found = _live(realm_id, kind, entity_id, for_update=for_update)
    if found is None:
        raise wire.object_not_found(kind, str(entity_id))
    return found


def read(realm_id: str, kind: str, entity_id: str) -> dict:
    return find(realm_id, kind, entity_id).body


# --- checking a body -------------------------------------------------------------------------------

def _checked_fields(kind: str, body: dict) -> dict:
    """The writable fields of `body`, each of the type QuickBooks takes, or a 2010 Fault naming it."""
    allowed = WRITABLE[kind]
    fields = {}
    for key, value in body.items():
        if key in READ_ONLY and key not in allowed:
            continue
        if key not in allowed:
            raise wire.invalid_property(key, f"{kind} has no such property")
        expected = allowed[key]
        if value is not None and (not isinstance(value, expected) or (expected is NUMBER and isinstance(value, bool))):
            raise wire.invalid_property(key, f"expected {_type_words(expected)}")
        fields[key] = value
    for key in ("PrimaryEmailAddr", "BillEmail"):
        if isinstance(fields.get(key), dict) and not isinstance(fields[key].get("Address", ""), str):
            raise wire.invalid_property(f"{key}.Address", "expected text")
    for key in ("TxnDate", "DueDate", "ShipDate"):
        if fields.get(key) is not None and not _is_date(fields[key]):
            raise wire.invalid_property(key, "expected a date, yyyy-MM-dd")
    return fields


def _type_words(expected) -> str:
    return {str: "text", dict: "an object", bool: "true or false", list: "a list"}.get(expected, "a number")


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _ref_value(fields: dict, key: str) -> str:
    ref = fields.get(key)
    value = ref.get("value") if isinstance(ref, dict) else None
    if not isinstance(value, str) or not value:
        raise wire.required_missing(key, f"Required parameter {key}.value is missing in the request")
    return value


def _money(value) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01")))


# --- shaping each kind -----------------------------------------------------------------------------

def _shape_customer(realm_id: str, fields: dict, current: dict | None) -> dict:
    shaped = {"Active": True, "Taxable": False, "Job": False, "BillWithParent": False, "Balance": 0,
              "BalanceWithJobs": 0, "CurrencyRef": USD, "PreferredDeliveryMethod": "Print", "IsProject": False,
              **(_kept(current) if current else {}), **fields}
    name = shaped.get("DisplayName") or " ".join(str(shaped[p]) for p in NAME_PARTS if shaped.get(p))
    if not name.strip():
        raise wire.required_missing("DisplayName", "Required parameter DisplayName or one of Title, GivenName, "
                                                   "MiddleName, FamilyName, Suffix is missing in the request")
    if len(name) > DISPLAY_NAME_MAX:
        raise wire.invalid_property("DisplayName", f"longer than {DISPLAY_NAME_MAX} characters")
    base = name.removesuffix(DELETED_SUFFIX)
    name = base if shaped["Active"] is not False else base + DELETED_SUFFIX
    shaped.update(DisplayName=name, FullyQualifiedName=name)
    shaped.setdefault("PrintOnCheckName", base)
    return shaped


def _shape_item(realm_id: str, fields: dict, current: dict | None) -> dict:
    shaped = {"Type": "Service", "Active": True, "UnitPrice": 0, "Taxable": False,
              **(_kept(current) if current else {}), **fields}
    if not str(shaped.get("Name") or "").strip():
        raise wire.required_missing("Name")
    if shaped["Type"] not in ITEM_TYPES:
        raise wire.invalid_enumeration("Type", shaped["Type"])
    shaped["FullyQualifiedName"] = shaped["Name"]
    return shaped


def _shape_invoice(realm_id: str, fields: dict, current: dict | None) -> dict:
    shaped = {**(_kept(current) if current else {}), **fields}
    customer = find_reference(realm_id, "Customer", _ref_value(shaped, "CustomerRef"), "CustomerRef")
    shaped["CustomerRef"] = {"value": customer.entity_id, "name": customer.body["DisplayName"]}
    lines = shaped.get("Line")
    if not isinstance(lines, list) or not any(isinstance(x, dict) and x.get("DetailType") != "SubTotalLineDetail"
                                              for x in lines):
        raise wire.required_missing("Line", "Required parameter Line is missing in the request: an invoice needs "
                                            "at least one line")
    shaped["Line"], total = _lines(realm_id, lines)
    tax = (shaped.get("TxnTaxDetail") or {}).get("TotalTax", 0)
    if isinstance(tax, bool) or not isinstance(tax, NUMBER):
        raise wire.invalid_property("TxnTaxDetail.TotalTax", "expected a number")
    total = _money(total + tax)
    voided = current is not None and current.get("PrivateNote") == VOIDED_NOTE and current.get("TotalAmt") == 0
    # What payments applied to it stays applied when its lines change (they are its LinkedTxn).
    paid = _money(current["TotalAmt"] - current["Balance"]) if current and "Balance" in current else 0
    if not voided and total < paid:
        raise wire.business_validation(f"the invoice's total ({total}) would be less than the payments applied to "
                                       f"it ({paid}); unapply or change a payment first", "Line")
    shaped["TotalAmt"] = 0 if voided else total
    shaped["Balance"] = 0 if voided else _money(total - paid)
    if shaped.get("DocNumber") is not None and len(shaped["DocNumber"]) > DOC_NUMBER_MAX:
        raise wire.invalid_property("DocNumber", f"longer than {DOC_NUMBER_MAX} characters")
    if not shaped.get("DocNumber"):
        shaped["DocNumber"] = _new_doc_number(realm_id)
    shaped.setdefault("TxnDate", wire.today())
    shaped.setdefault("DueDate", shaped["TxnDate"])
    shaped.setdefault("CurrencyRef", USD)
    # "Missing Bill/Ship addresses are copied from the Customer" (API reference, Invoice)
    for key in ("BillAddr", "ShipAddr"):
        if not shaped.get(key) and customer.body.get(key):
            shaped[key] = customer.body[key]
    if not shaped.get("BillEmail") and customer.body.get("PrimaryEmailAddr"):
        shaped["BillEmail"] = {"Address": customer.body["PrimaryEmailAddr"].get("Address", "")}
    for key, default in (("EmailStatus", "NotSet"), ("PrintStatus", "NotSet"), ("CustomField", []),
                         ("LinkedTxn", []), ("ApplyTaxAfterDiscount", False), ("Deposit", 0)):
        shaped.setdefault(key, default)
    return shaped


def _shape_payment(realm_id: str, fields: dict, current: dict | None) -> dict:
    """A payment's own fields checked; what it does to the invoices it names is _apply_payment's."""
    kept = {"TotalAmt": current["TotalAmt"]} if current and "TotalAmt" in current else {}
    shaped = {"ProcessPayment": False, **(_kept(current) if current else {}), **kept, **fields}
    customer = find_reference(realm_id, "Customer", _ref_value(shaped, "CustomerRef"), "CustomerRef")
    shaped["CustomerRef"] = {"value": customer.entity_id, "name": customer.body["DisplayName"]}
    total = shaped.get("TotalAmt")
    if total is None:
        raise wire.required_missing("TotalAmt")
    if isinstance(total, bool) or not isinstance(total, NUMBER) or total < 0:
        raise wire.invalid_property("TotalAmt", "expected an amount of 0 or more")
    lines = shaped.get("Line") or []
    if not isinstance(lines, list):
        raise wire.invalid_property("Line", "expected a list")
    shaped["Line"] = [_payment_line(realm_id, index, line) for index, line in enumerate(lines)]
    applied = sum(Decimal(str(line["Amount"])) for line in shaped["Line"])
    if applied > Decimal(str(total)):
        raise wire.business_validation(f"the lines apply {_money(applied)}, more than the payment's total "
                                       f"({_money(total)})", "TotalAmt")
    for key, most in (("PaymentRefNum", PAYMENT_REF_NUM_MAX), ("PrivateNote", PRIVATE_NOTE_MAX)):
        if shaped.get(key) is not None and len(shaped[key]) > most:
            raise wire.invalid_property(key, f"longer than {most} characters")
    shaped.update(TotalAmt=_money(total), UnappliedAmt=_money(Decimal(str(total)) - applied))
    shaped.setdefault("TxnDate", wire.today())
    shaped.setdefault("CurrencyRef", USD)
    return shaped


def _payment_line(realm_id: str, index: int, line) -> dict:
    """One applied amount: {"Amount", "LinkedTxn": [{"TxnId", "TxnType": "Invoice"}]}. Only invoices take
    payments here (Intuit also links credit memos and journal entries, which the sandbox does not keep)."""
    where = f"Line[{index}]"
    if not isinstance(line, dict):
        raise wire.invalid_property(where, "expected an object")
    amount = line.get("Amount")
    if isinstance(amount, bool) or not isinstance(amount, NUMBER) or amount < 0:
        raise wire.required_missing(f"{where}.Amount", f"Required parameter {where}.Amount is missing or not an "
                                                       "amount of 0 or more")
    links = line.get("LinkedTxn")
    if not isinstance(links, list) or len(links) != 1 or not isinstance(links[0], dict):
        raise wire.required_missing(f"{where}.LinkedTxn", f"Required parameter {where}.LinkedTxn is missing: "
                                                          "name the one invoice this amount pays")
    txn_type, txn_id = links[0].get("TxnType"), links[0].get("TxnId")
    if txn_type != "Invoice":
        raise wire.invalid_enumeration(f"{where}.LinkedTxn.TxnType", txn_type)
    if not isinstance(txn_id, str) or not txn_id:
        raise wire.required_missing(f"{where}.LinkedTxn.TxnId")
    return {**line, "Amount": _money(amount), "LinkedTxn": [{"TxnId": txn_id, "TxnType": "Invoice"}]}


def _applied(payment: dict | None) -> dict[str, Decimal]:
    """How much of a payment goes to each invoice, by the invoice's Id."""
    applied: dict[str, Decimal] = {}
    for line in (payment or {}).get("Line", []):
        for link in line["LinkedTxn"]:
            applied[link["TxnId"]] = applied.get(link["TxnId"], Decimal(0)) + Decimal(str(line["Amount"]))
    return applied


def _apply_payment(realm_id: str, before: dict | None, after: dict | None) -> None:
    """Move the invoices' balances from what the payment applied `before` to what it applies `after`
    (None: it did not exist, or no longer does), linking or unlinking them. Each invoice whose balance
    changes is written, so its SyncToken moves on and change data capture reports it, as in QuickBooks."""
    old, new = _applied(before), _applied(after)
    payment_id = (after or before)["Id"]
    for index, invoice_id in enumerate(sorted(set(old) | set(new))):
        change = new.get(invoice_id, Decimal(0)) - old.get(invoice_id, Decimal(0))
        linked = new.get(invoice_id, Decimal(0)) > 0
        entity = _live(realm_id, "Invoice", invoice_id, for_update=True)
        if entity is None:
            if change > 0:
                raise wire.invalid_reference("Line.LinkedTxn.TxnId", invoice_id)
            continue
        invoice = entity.body
        if change > 0 and invoice["CustomerRef"]["value"] != after["CustomerRef"]["value"]:
            raise wire.business_validation(f"invoice {invoice_id} belongs to another customer than the payment's",
                                           "CustomerRef")
        balance = Decimal(str(invoice["Balance"])) - change
        if balance < 0:
            # [U] Intuit's exact code for over-applying; 6000 is its business-validation fault.
            raise wire.business_validation(f"the payment applies {_money(new[invoice_id])} to invoice {invoice_id}, "
                                           f"more than its open balance ({invoice['Balance']})", "Line.Amount")
        others = [x for x in invoice.get("LinkedTxn", []) if (x.get("TxnId"), x.get("TxnType")) != (payment_id, "Payment")]
        links = others + ([{"TxnId": payment_id, "TxnType": "Payment"}] if linked else [])
        if change or links != invoice.get("LinkedTxn", []):
            _write(entity, "Invoice", {**invoice, "Balance": _money(balance), "LinkedTxn": links})


def _payments_applied(invoice: dict) -> list[str]:
    return [x["TxnId"] for x in invoice.get("LinkedTxn", []) if x.get("TxnType") == "Payment"]


def find_reference(realm_id: str, kind: str, entity_id: str, element: str) -> Entity:
    found = _live(realm_id, kind, entity_id)
    if found is None or found.body.get("Active") is False:
        raise wire.invalid_reference(element, entity_id)
    return found


def _lines(realm_id: str, lines: list) -> tuple[list, float]:
    """The invoice's lines numbered, with QuickBooks' subtotal line last, and the total."""
    shaped, total = [], Decimal(0)
    for index, line in enumerate(x for x in lines if not (isinstance(x, dict)
                                                          and x.get("DetailType") == "SubTotalLineDetail")):
        where = f"Line[{index}]"
        if not isinstance(line, dict):
            raise wire.invalid_property(where, "expected an object")
        kind = line.get("DetailType")
        if kind not in LINE_TYPES:
            raise wire.invalid_enumeration(f"{where}.DetailType", kind)
        amount = line.get("Amount")
        if kind != "DescriptionOnly" and (isinstance(amount, bool) or not isinstance(amount, NUMBER)):
            raise wire.required_missing(f"{where}.Amount", f"Required parameter {where}.Amount is missing or not "
                                                           "a number")
        detail = line.get(kind)
        if kind == "SalesItemLineDetail":
            if not isinstance(detail, dict):
                raise wire.required_missing(f"{where}.SalesItemLineDetail")
            for key in ("Qty", "UnitPrice"):
                if key in detail and (isinstance(detail[key], bool) or not isinstance(detail[key], NUMBER)):
                    raise wire.invalid_property(f"{where}.SalesItemLineDetail.{key}", "expected a number")
            if "ItemRef" in detail:
                item_id = _ref_value(detail, "ItemRef")
                item = find_reference(realm_id, "Item", item_id, f"{where}.SalesItemLineDetail.ItemRef")
                detail = {**detail, "ItemRef": {"value": item.entity_id, "name": item.body["Name"]}}
        sign = -1 if kind == "DiscountLineDetail" else 1
        total += sign * Decimal(str(amount or 0))
        shaped.append({**line, **({kind: detail} if detail is not None else {}), "Id": str(index + 1),
                       "LineNum": index + 1, **({"Amount": _money(amount)} if amount is not None else {})})
    shaped.append({"Amount": _money(total), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}})
    return shaped, float(total)


def _kept(current: dict) -> dict:
    return {k: v for k, v in current.items() if k not in READ_ONLY}


SHAPES = {"Customer": _shape_customer, "Invoice": _shape_invoice, "Item": _shape_item, "Payment": _shape_payment}
# What else a write of a kind changes in the company, given the object before and after (None when absent).
AFTER_WRITE = {"Payment": _apply_payment}


def _after_write(realm_id: str, kind: str, before: dict | None, after: dict | None) -> None:
    if kind in AFTER_WRITE:
        AFTER_WRITE[kind](realm_id, before, after)


# --- writing ---------------------------------------------------------------------------------------

def _unique_name(kind: str, body: dict) -> tuple[str, str]:
    """The namespace and key QuickBooks keeps unique: a display name is unique across customers,
    vendors and employees (6240); an item's name among items; an invoice's DocNumber among invoices."""
    if kind == "Customer":
        return "Name", body["DisplayName"].strip().casefold()
    if kind == "Item":
        return "Item", body["Name"].strip().casefold()
    if kind == "Invoice":
        return "DocNumber", body["DocNumber"].strip().casefold()
    return "", ""  # a payment's reference number need not be unique


def _duplicate(kind: str, body: dict) -> wire.QboFault:
    return wire.duplicate_doc_number(body["DocNumber"]) if kind == "Invoice" else wire.duplicate_name(
        body.get("DisplayName") or body.get("Name"))


def _save(entity: Entity, kind: str) -> None:
    entity.name_space, entity.name_key = _unique_name(kind, entity.body)
    try:
        with transaction.atomic(using="sandbox"):
            entity.save()
    except IntegrityError:
        raise _duplicate(kind, entity.body) from None


def create(realm_id: str, kind: str, body: dict) -> dict:
    fields = _checked_fields(kind, body)
    with transaction.atomic(using="sandbox"):
        company(realm_id)
        shaped = SHAPES[kind](realm_id, fields, None)
        now = clock.now()
        entity_id = _new_id(realm_id)
        shaped.update(Id=entity_id, SyncToken="0", domain="QBO", sparse=False,
                      MetaData={"CreateTime": wire.timestamp(now), "LastUpdatedTime": wire.timestamp(now)})
        _save(Entity(realm_id=realm_id, kind=kind, entity_id=entity_id, body=shaped, updated_at=now), kind)
        _after_write(realm_id, kind, None, shaped)
    return shaped


def _locked_current(realm_id: str, kind: str, body: dict) -> Entity:
    """The object a write names by Id, when the write's SyncToken is its current one (else 5010),
    locked, so that of two writes on one SyncToken the second gets 5010 (PostgreSQL; SQLite
    serialises writers anyway)."""
    for key in ("Id", "SyncToken"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise wire.required_missing(key)
    entity = find(realm_id, kind, body["Id"], for_update=True)
    if body["SyncToken"] != entity.body["SyncToken"]:
        raise wire.stale_object()
    return entity


def _write(entity: Entity, kind: str, shaped: dict) -> dict:
    now = clock.now()
    shaped.update(Id=entity.entity_id, SyncToken=str(int(entity.body["SyncToken"]) + 1), domain="QBO",
                  sparse=False, MetaData={**entity.body["MetaData"], "LastUpdatedTime": wire.timestamp(now)})
    entity.body, entity.updated_at = shaped, now
    _save(entity, kind)
    return shaped


def update(realm_id: str, kind: str, body: dict) -> dict:
    """Sparse (`"sparse": true`: only the fields sent change) or full (writable fields left out are cleared)."""
    fields = _checked_fields(kind, body)
    with transaction.atomic(using="sandbox"):
        entity = _locked_current(realm_id, kind, body)
        base = entity.body if body.get("sparse") is True else {k: entity.body[k] for k in READ_ONLY
                                                                if k in entity.body}
        before = entity.body
        after = _write(entity, kind, SHAPES[kind](realm_id, fields, {**base, **_system_fields(entity.body)}))
        _after_write(realm_id, kind, before, after)
        return after


def _system_fields(body: dict) -> dict:
    """What a full update may not clear: what QuickBooks sets itself on an invoice (its number, date and
    the payments applied to it)."""
    return {k: body[k] for k in ("DocNumber", "TxnDate", "LinkedTxn") if k in body}


def _refuse_with_payments(kind: str, body: dict, doing: str) -> None:
    """QuickBooks will not void (or delete) an invoice that still has a payment applied."""
    if kind == "Invoice" and _payments_applied(body):
        raise wire.business_validation(f"invoice {body['Id']} has payments applied "
                                       f"({', '.join(_payments_applied(body))}); {doing} them first", "LinkedTxn")


def void(realm_id: str, kind: str, body: dict) -> dict:
    """A voided transaction stays, with every amount zero and "Voided" in its memo."""
    if kind not in TRANSACTIONS:
        raise wire.unsupported_operation(f"void on {kind}")
    with transaction.atomic(using="sandbox"):
        entity = _locked_current(realm_id, kind, body)
        before = entity.body
        _refuse_with_payments(kind, before, "void or delete")
        lines = [{**line, "Amount": 0} for line in before["Line"]]
        shaped = {**before, "Line": lines, "TotalAmt": 0, "PrivateNote": VOIDED_NOTE,
                  **({"Balance": 0} if kind == "Invoice" else {"UnappliedAmt": 0})}
        if isinstance(shaped.get("TxnTaxDetail"), dict):
            shaped["TxnTaxDetail"] = {**shaped["TxnTaxDetail"], "TotalTax": 0}
        after = _write(entity, kind, shaped)
        _after_write(realm_id, kind, before, after)
        return after


def delete(realm_id: str, kind: str, body: dict) -> dict:
    """Transactions are deleted; list entities (customers, items) are only made inactive."""
    if kind not in TRANSACTIONS:
        raise wire.unsupported_operation(f"delete on {kind}: make it inactive (Active false) instead")
    with transaction.atomic(using="sandbox"):
        entity = _locked_current(realm_id, kind, body)
        _refuse_with_payments(kind, entity.body, "void or delete")
        entity.deleted, entity.updated_at = True, clock.now()
        entity.name_key = ""  # a deleted invoice's number may be used again
        entity.save()
        _after_write(realm_id, kind, entity.body, None)
    return {"domain": "QBO", "status": "Deleted", "Id": entity.entity_id}


OPERATIONS = {"create": create, "update": update, "void": void, "delete": delete}


def operate(realm_id: str, kind: str, operation: str, body: dict) -> dict:
    """One write, as the API names it: `create` becomes `update` when the body carries an Id."""
    if operation == "create" and body.get("Id"):
        operation = "update"
    if operation not in OPERATIONS:
        raise wire.unsupported_operation(operation)
    return OPERATIONS[operation](realm_id, kind, body)
