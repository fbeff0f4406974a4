"""Sandbox QuickBooks' test hooks: what a QuickBooks user does in QuickBooks itself, outside
hubwire (each change notifies the connected apps, as QuickBooks does), and what Intuit's side
does to an app (its webhook settings, its tokens expiring, its requests held by other workers).
The sandbox page's QuickBooks card (page.py) posts its forms to these same hooks."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from hubwire.core import clock as calendar
from hubwire.core.models import ClockShift
from hubwire.sandbox import clock
from hubwire.sandbox.hooks import control_action, reset_tables
from hubwire.sandbox.models import Token
from hubwire.sandbox.quickbooks import entities, page, webhooks
from hubwire.sandbox.quickbooks.models import Company, Entity, Replay, Usage, WebhookSubscription

reset_tables(Company, Entity, Replay, Usage, WebhookSubscription)
# "Move the clock to the next export day" moves hubwire's calendar clock too; a reset puts it back.
reset_tables(ClockShift)

NOTIFIED_AS = {"create": "Create", "update": "Update", "void": "Void", "delete": "Delete"}


def _kind(data: dict) -> str:
    kind = str(data.get("entity", "Customer")).capitalize()
    if kind not in entities.KINDS:
        raise ValueError(f"entity must be one of {', '.join(entities.KINDS)}")
    return kind


def change_in_quickbooks(realm_id: str, kind: str, operation: str, body: dict) -> dict:
    """Write as a QuickBooks user would (on the object's current SyncToken) and notify the apps."""
    if operation != "create":
        current = entities.find(realm_id, kind, body["Id"]).body
        body = {"SyncToken": current["SyncToken"], **body, "sparse": True}
    written = entities.operate(realm_id, kind, operation, body)
    notification = NOTIFIED_AS[operation]
    if kind == "Customer" and written.get("Active") is False:
        notification = "Delete"  # [U] how Intuit names making a customer inactive; hubwire re-reads it anyway
    delivered = webhooks.notify(realm_id, [webhooks.change(kind, written["Id"], notification, written)])
    return {kind: written, "delivered": delivered}


def _customer_change(data: dict, operation: str) -> dict:
    fields = {k: v for k, v in data.items() if k not in ("realm_id", "email")}
    if "email" in data:  # the sandbox page's forms are flat: "email" is PrimaryEmailAddr.Address
        fields["PrimaryEmailAddr"] = {"Address": str(data["email"]).strip()}
    return change_in_quickbooks(str(data["realm_id"]), "Customer", operation, fields)


@control_action("quickbooks-create-customer")
def create_customer(data):
    """{"realm_id", and Customer fields: "DisplayName", "PrimaryEmailAddr": {"Address"} (or "email"), …}"""
    return _customer_change(data, "create")


@control_action("quickbooks-edit-customer")
def edit_customer(data):
    """{"realm_id", "Id", and the fields to change (an "email" is the primary email)}: a sparse
    update; the SyncToken moves on."""
    return _customer_change(data, "update")


@control_action("quickbooks-delete-customer")
def delete_customer(data):
    """{"realm_id", "Id"}: QuickBooks makes a customer inactive (and renames it "… (deleted)")."""
    return change_in_quickbooks(str(data["realm_id"]), "Customer", "update", {"Id": str(data["Id"]), "Active": False})


@control_action("quickbooks-change")
def change(data):
    """{"realm_id", "entity": Customer|Invoice|Item|Payment, "operation": create|update|void|delete, "body"}"""
    operation = str(data.get("operation", "update"))
    if operation not in NOTIFIED_AS:
        raise ValueError(f"operation must be one of {', '.join(NOTIFIED_AS)}")
    body = data.get("body") or {}
    if not isinstance(body, dict):
        raise ValueError("body must be an object")
    return change_in_quickbooks(str(data["realm_id"]), _kind(data), operation, body)


@control_action("quickbooks-record-payment")
def record_payment(data):
    """{"realm_id", "invoice_id", "amount"?}: a QuickBooks user receives a payment of the invoice's customer
    and applies it to the invoice (all of its open balance when no amount is given)."""
    realm_id = str(data["realm_id"])
    invoice = entities.find(realm_id, "Invoice", str(data["invoice_id"])).body
    amount = _amount(data.get("amount")) if str(data.get("amount") or "").strip() else invoice["Balance"]
    if not amount:
        raise ValueError(f"invoice {invoice['Id']} has nothing left to pay")
    return change_in_quickbooks(realm_id, "Payment", "create", {
        "CustomerRef": {"value": invoice["CustomerRef"]["value"]}, "TotalAmt": amount,
        "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})


def _amount(text) -> float:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(f"amount: {text!r} is not an amount such as 12.50") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("amount: a payment is more than zero")
    return float(value)


@control_action("quickbooks-next-export-day")
def next_export_day(data):
    """Move the sandbox's clock and hubwire's calendar clock (core/clock.py, which schedules read) to
    just past the earliest next run of any workspace's QuickBooks export, so that it runs now."""
    due = page.next_export_at()
    if due is None:
        raise ValueError("no workspace has a QuickBooks export scheduled: connect QuickBooks first")
    # A minute past the slot, so the next tick finds it due whatever the second it runs at.
    seconds = max((due - calendar.now()).total_seconds() + 60, 0)
    calendar.shift_by(seconds)
    clock.advance(seconds)
    return {"moved_seconds": seconds, "export_due": due.isoformat(), "now": calendar.now().isoformat()}


@control_action("quickbooks-notify")
def notify(data):
    """{"realm_id", "entity", "id", "operation"}: send a notification with no change behind it
    (a repeat delivery, or one for an object hubwire must fetch)."""
    operation = str(data.get("operation", "Update"))
    if operation not in webhooks.OPERATIONS:
        raise ValueError(f"operation must be one of {', '.join(webhooks.OPERATIONS)}")
    realm_id, kind = str(data["realm_id"]), _kind(data)
    found = Entity.objects.filter(realm_id=realm_id, kind=kind, entity_id=str(data["id"])).first()
    change_ = webhooks.change(kind, str(data["id"]), operation, found.body if found else None)
    return {"delivered": webhooks.notify(realm_id, [change_])}


@control_action("quickbooks-webhook-settings")
def webhook_settings(data):
    """{"client_id", "url"?, "verifier_token"?, "format"?: "legacy"|"cloudevents"}: the app's
    webhooks page on Intuit's developer site."""
    formats = {"legacy": False, "cloudevents": True, "": None}
    chosen = str(data.get("format", ""))
    if chosen not in formats:
        raise ValueError("format must be legacy or cloudevents")
    saved = webhooks.subscribe(str(data["client_id"]), url=str(data.get("url", "")),
                               verifier_token=str(data.get("verifier_token", "")), cloudevents=formats[chosen])
    return {"client_id": saved.client_id, "url": saved.url, "format": "cloudevents" if saved.cloudevents else "legacy"}


@control_action("quickbooks-expire-tokens")
def expire_tokens(data):
    """{"realm_id"}: every access token for this company has expired (the next call gets 401)."""
    expired = Token.objects.filter(server="intuit", kind=Token.ACCESS, subject__realm_id=str(data["realm_id"]),
                                   revoked_at=None).update(expires_at=clock.now() - timedelta(seconds=1))
    return {"expired": expired}


@control_action("quickbooks-hold-requests")
def hold_requests(data):
    """{"realm_id", "count"}: other workers of the app hold this many requests open on the company
    (the concurrency limit counts them); 0 lets them go."""
    count = int(data["count"])
    if count < 0:
        raise ValueError("count must be 0 or more")
    realm_id = str(data["realm_id"])
    entities.company(realm_id)
    Company.objects.filter(realm_id=realm_id).update(in_flight=count)
    return {"in_flight": count}
