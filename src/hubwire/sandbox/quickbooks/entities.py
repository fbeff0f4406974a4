"""The objects of a sandbox QuickBooks company and the rules Intuit applies to writing them
(providers.md §2.3): Customer, Invoice and Item create, read, update (sparse or full, guarded by
`SyncToken`), Invoice void and delete. Each operation answers the entity as the API returns it or
raises a QboFault; api.py, the batch endpoint and the test hooks all write through here."""

import re
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from hubwire.sandbox import clock
from hubwire.sandbox.quickbooks import wire
from hubwire.sandbox.quickbooks.models import Company, Entity

KINDS = ("Customer", "Invoice", "Item")
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
WRITABLE = {"Customer": CUSTOMER_FIELDS, "Invoice": INVOICE_FIELDS, "Item": ITEM_FIELDS}
# Sent back by clients that echo what they read; QuickBooks keeps its own values for these.
READ_ONLY = {"Id", "SyncToken", "sparse", "MetaData", "domain", "Balance", "BalanceWithJobs", "FullyQualifiedName",
             "TotalAmt", "HomeTotalAmt", "HomeBalance", "InvoiceLink", "IsProject", "status", "LineNum"}
LINE_TYPES = {"SalesItemLineDetail", "DescriptionOnly", "DiscountLineDetail", "SubTotalLineDetail", "GroupLineDetail"}
ITEM_TYPES = {"Service", "NonInventory", "Inventory", "Category", "Group"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- the company -----------------------------------------------------------------------------------

def company(realm_id: str) -> Company:
    found, _ = Company.objects.get_or_create(realm_id=realm_id,
                                             defaults={"name": f"Sandbox Company_US_{realm_id[-4:]}"})
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
        if key in READ_ONLY:
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
    voided = current is not None and current.get("PrivateNote") == "Voided" and current.get("TotalAmt") == 0
    shaped["TotalAmt"] = 0 if voided else total
    shaped["Balance"] = 0 if voided else total
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


SHAPES = {"Customer": _shape_customer, "Invoice": _shape_invoice, "Item": _shape_item}


# --- writing ---------------------------------------------------------------------------------------

def _unique_name(kind: str, body: dict) -> tuple[str, str]:
    """The namespace and key QuickBooks keeps unique: a display name is unique across customers,
    vendors and employees (6240); an item's name among items; an invoice's DocNumber among invoices."""
    if kind == "Customer":
        return "Name", body["DisplayName"].strip().casefold()
    if kind == "Item":
        return "Item", body["Name"].strip().casefold()
    return "DocNumber", body["DocNumber"].strip().casefold()


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
        return _write(entity, kind, SHAPES[kind](realm_id, fields, {**base, **_system_fields(entity.body)}))


def _system_fields(body: dict) -> dict:
    """What a full update may not clear: what QuickBooks sets itself on an invoice."""
    return {k: body[k] for k in ("DocNumber", "TxnDate") if k in body}


def void(realm_id: str, kind: str, body: dict) -> dict:
    if kind != "Invoice":
        raise wire.unsupported_operation(f"void on {kind}")
    with transaction.atomic(using="sandbox"):
        entity = _locked_current(realm_id, kind, body)
        lines = [{**line, "Amount": 0} for line in entity.body["Line"]]
        shaped = {**entity.body, "Line": lines, "TotalAmt": 0, "Balance": 0, "PrivateNote": "Voided"}
        if isinstance(shaped.get("TxnTaxDetail"), dict):
            shaped["TxnTaxDetail"] = {**shaped["TxnTaxDetail"], "TotalTax": 0}
        return _write(entity, kind, shaped)


def delete(realm_id: str, kind: str, body: dict) -> dict:
    """Transactions are deleted; list entities (customers, items) are only made inactive."""
    if kind != "Invoice":
        raise wire.unsupported_operation(f"delete on {kind}: make it inactive (Active false) instead")
    with transaction.atomic(using="sandbox"):
        entity = _locked_current(realm_id, kind, body)
        entity.deleted, entity.updated_at = True, clock.now()
        entity.name_key = ""  # a deleted invoice's number may be used again
        entity.save()
    return {"domain": "QBO", "status": "Deleted", "Id": entity.entity_id}


OPERATIONS = {"create": create, "update": update, "void": void, "delete": delete}


def operate(realm_id: str, kind: str, operation: str, body: dict) -> dict:
    """One write, as the API names it: `create` becomes `update` when the body carries an Id."""
    if operation == "create" and body.get("Id"):
        operation = "update"
    if operation not in OPERATIONS:
        raise wire.unsupported_operation(operation)
    return OPERATIONS[operation](realm_id, kind, body)
