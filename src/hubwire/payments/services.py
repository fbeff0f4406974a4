"""Pay now, and settling what Stripe reports, exactly once.

An invoice is paid by whichever report arrives first: `checkout.session.completed` (paid),
`checkout.session.async_payment_succeeded`, `payment_intent.succeeded`, or the payer's return page
asking Stripe for the session (for when the events are late). The checkout row is locked while a
report is applied and remembers its Payment, so duplicates and reordered events change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone

import httpx
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.core.errors import FieldError
from hubwire.core.money import format_money
from hubwire.crm.services.common import Conflict
from hubwire.crm.models import Invoice, InvoiceStatus, PaymentMethod
from hubwire.crm.services.documents import payment_record
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.stripe.api import StripeAPI
from hubwire.payments.models import UNSETTLED, CheckoutSession, CheckoutStatus

# An open session this close to expiring is not handed out again.
REUSE_MARGIN = timedelta(minutes=5)


class PaymentUnavailable(Exception):
    """Pay now cannot start; the message says why, in plain words."""


def payments_connection(workspace) -> Connection | None:
    """The Stripe connection that takes the workspace's invoice payments: live when live is active,
    else test (a test connection takes test payments only: the invoice is marked paid with a
    "(test mode)" reference, which is what a demo or a trial run wants)."""
    active = {c.mode: c for c in Connection.objects.filter(workspace=workspace, provider="stripe",
                                                           status=ConnectionStatus.ACTIVE)}
    return active.get("live") or active.get("test")


def checkout_start(*, invoice: Invoice, actor, return_to: str = "team") -> CheckoutSession:
    """An open Checkout Session for the invoice's balance (an existing one when it is still good)."""
    invoice = Invoice.objects.select_related("workspace", "account").get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.PENDING:
        raise PaymentUnavailable(f"{invoice.number} is {invoice.get_status_display().lower()}; only an issued "
                                 "(pending) invoice can be paid online.")
    balance = invoice.balance_due
    if balance <= 0:
        raise PaymentUnavailable(f"Nothing is due on {invoice.number}.")
    connection = payments_connection(invoice.workspace)
    if connection is None:
        raise PaymentUnavailable("Online payment is not available: connect an active Stripe account on the "
                                 "Integrations page first.")
    provider = PROVIDERS["stripe"]
    reusable = CheckoutSession.objects.filter(
        invoice=invoice, status=CheckoutStatus.OPEN, mode=connection.mode, account_id=connection.external_account_id,
        amount=balance, expires_at__gt=timezone.now() + REUSE_MARGIN).exclude(url="").first()
    if reusable:
        return reusable
    fee = provider.application_fee(balance)
    row = CheckoutSession.objects.create(workspace=invoice.workspace, invoice=invoice, mode=connection.mode,
                                         account_id=connection.external_account_id, amount=balance,
                                         currency=invoice.currency, application_fee=fee, return_to=return_to)
    base = settings.HUBWIRE_BASE_URL
    metadata = {"hubwire_checkout": row.public_token, "invoice_id": invoice.pk, "invoice_number": invoice.number}
    params = {
        "mode": "payment",
        "line_items": [{"quantity": 1, "price_data": {
            "currency": invoice.currency.lower(), "unit_amount": balance,
            "product_data": {"name": f"Invoice {invoice.number}", "description": invoice.account.name}}}],
        "payment_intent_data": {"application_fee_amount": fee or None, "metadata": metadata,
                                "description": f"Invoice {invoice.number}"},
        "client_reference_id": f"invoice-{invoice.pk}",
        "metadata": metadata,
        "success_url": base + reverse("payments:stripe_return", args=[row.public_token]) + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": base + reverse("payments:stripe_cancel", args=[row.public_token]),
    }
    if invoice.contact_id and invoice.contact.email:
        params["customer_email"] = invoice.contact.email
    try:
        with StripeAPI(provider, connection.mode, connection.external_account_id) as api:
            # The key makes a retried request (a timeout, a double submit) return the same session.
            session = api.post("/v1/checkout/sessions", params, idempotency_key=f"hubwire-checkout-{row.public_token}")
    except (ProviderError, httpx.HTTPError) as exc:  # recorded, and told to the user
        CheckoutSession.objects.filter(pk=row.pk).update(status=CheckoutStatus.FAILED,
                                                         outcome=f"Stripe could not start the payment: {exc}"[:2000])
        raise PaymentUnavailable(f"Stripe could not start the payment: {exc}") from None
    row.session_id, row.url, row.status = session["id"], session["url"], CheckoutStatus.OPEN
    row.expires_at = datetime.fromtimestamp(session["expires_at"], tz=dt_timezone.utc) if session.get("expires_at") else None
    row.save(update_fields=["session_id", "url", "status", "expires_at", "updated_at"])
    audit_record(workspace=invoice.workspace, actor=actor,
                 action="stripe_payment_started", subject=f"stripe ({connection.mode})",
                 detail=f"{invoice.number}: {session['id']}" + (" (from the client portal)" if return_to == "portal" else ""))
    return row


# --- applying what Stripe reports ------------------------------------------------------------------

def find_checkout(obj: dict, *, mode: str, account: str) -> CheckoutSession | None:
    """The checkout a Stripe object belongs to (by id, then by our metadata), or None."""
    kind = obj.get("object")
    found = None
    if kind == "checkout.session" and obj.get("id"):
        found = CheckoutSession.objects.filter(session_id=obj["id"]).first()
    elif kind == "payment_intent" and obj.get("id"):
        found = CheckoutSession.objects.filter(payment_intent_id=obj["id"]).first()
    if found is None:
        token = (obj.get("metadata") or {}).get("hubwire_checkout")
        found = CheckoutSession.objects.filter(public_token=token).first() if token else None
    if found is None or found.mode != mode or found.account_id != (account or found.account_id):
        return None
    return found


def _update(row: CheckoutSession, **fields) -> None:
    for name, value in fields.items():
        setattr(row, name, value)
    CheckoutSession.objects.filter(pk=row.pk).update(**fields, updated_at=timezone.now())


def _settle_paid(row: CheckoutSession, *, amount: int, intent_id: str) -> str:
    with transaction.atomic():
        row = CheckoutSession.objects.select_for_update().select_related("invoice").get(pk=row.pk)
        if row.status == CheckoutStatus.PAID:
            return f"already recorded ({row.invoice.number})"
        reference = intent_id + (" (test mode)" if row.mode == "test" else "")
        try:
            payment = payment_record(invoice=row.invoice, actor="Stripe", amount=amount, method=PaymentMethod.STRIPE,
                                     reference=reference)
        except (Conflict, FieldError) as exc:
            words = " ".join(exc.errors.values()) if isinstance(exc, FieldError) else str(exc)
            note = (f"Paid at Stripe ({intent_id}) but not recorded on the invoice: {words} If the invoice was paid "
                    "twice, refund one payment in the Stripe Dashboard.")
            _update(row, status=CheckoutStatus.PAID, outcome=note, payment_intent_id=intent_id or row.payment_intent_id)
            audit_record(workspace=row.workspace, action="stripe_payment_unmatched", subject=f"stripe ({row.mode})",
                         detail=note)
            return note
        _update(row, status=CheckoutStatus.PAID, outcome="", payment=payment,
                payment_intent_id=intent_id or row.payment_intent_id)
        audit_record(workspace=row.workspace, action="stripe_payment_received", subject=f"stripe ({row.mode})",
                     detail=f"{row.invoice.number}: {format_money(amount, row.currency)} ({intent_id})")
        return f"{row.invoice.number} paid ({intent_id})"


def _note(row: CheckoutSession, *, status: str | None, outcome: str, only_from=UNSETTLED) -> str:
    """Record a non-paying outcome unless the attempt is already settled."""
    with transaction.atomic():
        row = CheckoutSession.objects.select_for_update().get(pk=row.pk)
        if row.status not in only_from:
            return f"ignored: the payment is already {row.get_status_display().lower()}"
        _update(row, status=status or row.status, outcome=outcome)
        if status in (CheckoutStatus.FAILED, CheckoutStatus.EXPIRED) or outcome:
            audit_record(workspace=row.workspace, action=f"stripe_payment_{status or 'declined'}",
                         subject=f"stripe ({row.mode})", detail=f"{row.invoice.number}: {outcome}")
        return outcome or f"{row.get_status_display().lower()}"


def session_apply(row: CheckoutSession, session: dict, *, event_type: str = "") -> str:
    if session.get("payment_intent") and not row.payment_intent_id:
        _update(row, payment_intent_id=session["payment_intent"])
    status, paid = session.get("status"), session.get("payment_status") == "paid"
    if status == "complete" and paid:
        return _settle_paid(row, amount=int(session["amount_total"]), intent_id=session.get("payment_intent") or "")
    if event_type == "checkout.session.async_payment_failed":
        return _note(row, status=CheckoutStatus.FAILED, outcome="The bank debit failed; the invoice is still due.")
    if status == "complete":
        return _note(row, status=CheckoutStatus.PROCESSING, outcome="",
                     only_from=(CheckoutStatus.CREATING, CheckoutStatus.OPEN))
    if status == "expired":
        return _note(row, status=CheckoutStatus.EXPIRED, outcome="The payment page expired before anyone paid.")
    return "still open"


def intent_apply(row: CheckoutSession, intent: dict, *, event_type: str) -> str:
    if intent.get("id") and not row.payment_intent_id:
        _update(row, payment_intent_id=intent["id"])
    if event_type == "payment_intent.succeeded" or intent.get("status") == "succeeded":
        return _settle_paid(row, amount=int(intent.get("amount_received") or intent["amount"]), intent_id=intent["id"])
    if event_type == "payment_intent.payment_failed":
        message = (intent.get("last_payment_error") or {}).get("message") or "the payment was declined"
        # A declined card leaves the page open for another try; a failed bank debit ends the attempt.
        failed = row.status == CheckoutStatus.PROCESSING
        return _note(row, status=CheckoutStatus.FAILED if failed else None, outcome=f"Payment failed: {message}")
    if event_type == "payment_intent.processing":
        return _note(row, status=CheckoutStatus.PROCESSING, outcome="",
                     only_from=(CheckoutStatus.CREATING, CheckoutStatus.OPEN))
    return f"ignored: {event_type}"


def checkout_sync(row: CheckoutSession) -> CheckoutSession:
    """Ask Stripe for the session now (the payer's return page): the invoice does not wait for events."""
    if row.status in UNSETTLED and row.session_id:
        with StripeAPI(PROVIDERS["stripe"], row.mode, row.account_id) as api:
            session = api.get(f"/v1/checkout/sessions/{row.session_id}")
        session_apply(row, session)
        row.refresh_from_db()
    return row
