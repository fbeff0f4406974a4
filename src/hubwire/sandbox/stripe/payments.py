"""Checkout Sessions and PaymentIntents on a connected account (providers.md §1.6): a direct
charge, with the platform's application fee; the hosted page's three test outcomes (a card that
succeeds, one that is declined, a bank debit that settles later) and expiry, each with the events
Stripe sends for it."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from hubwire.sandbox import clock
from hubwire.sandbox.models import StripeObject
from hubwire.sandbox.stripe import events
from hubwire.sandbox.stripe.wire import StripeError, as_int, invalid, missing, new_id

# Stripe's test cards (docs.stripe.com/testing) and what each does here.
CARD_SUCCEEDS = "4242424242424242"
CARD_DECLINED = {"4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
                 "4000000000009995": ("card_declined", "insufficient_funds", "Your card has insufficient funds.")}
TEST_PAYMENT_METHODS = {"pm_card_visa": CARD_SUCCEEDS, "pm_card_chargeDeclined": "4000000000000002",
                        "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995"}
MINIMUM_AMOUNT = 50  # minor units; Stripe's minimum charge for USD is $0.50


def _prefix(livemode: bool) -> str:
    return "live" if livemode else "test"


def _create(kind: str, caller, object_id: str, body: dict, state: dict | None = None) -> StripeObject:
    return StripeObject.objects.create(object_id=object_id, kind=kind, platform=caller.platform.name,
                                       account_id=caller.account, livemode=caller.livemode, body=body,
                                       state=state or {}, created_at=clock.now())


def _owned(caller, kind: str, object_id: str, noun: str) -> StripeObject:
    found = StripeObject.objects.filter(object_id=object_id, kind=kind, platform=caller.platform.name,
                                        account_id=caller.account, livemode=caller.livemode).first()
    if found is None:
        raise StripeError(404, f"No such {noun}: '{object_id}'", code="resource_missing", param="id")
    return found


def _emit(obj: StripeObject, type: str, body: dict | None = None, request_id: str | None = None) -> None:
    events.emit(platform=obj.platform, livemode=obj.livemode, account=obj.account_id or None, type=type,
                obj=body or obj.body, request_id=request_id)


def _save(obj: StripeObject, **changes) -> StripeObject:
    obj.body = {**obj.body, **changes}
    StripeObject.objects.filter(pk=obj.pk).update(body=obj.body, state=obj.state)
    return obj


# --- Checkout Sessions ---------------------------------------------------------------------------

def _line_items(raw) -> tuple[int, str, list[dict]]:
    if not raw:
        raise missing("line_items")
    if not isinstance(raw, list):
        raise invalid("line_items", "Invalid array")
    total, currency, items = 0, "", []
    for i, item in enumerate(raw):
        param = f"line_items[{i}]"
        price = item.get("price_data") if isinstance(item, dict) else None
        if not isinstance(price, dict):
            raise StripeError(400, "You must specify either `price` or `price_data` in each line item.", param=param)
        if not price.get("currency"):
            raise missing(f"{param}[price_data][currency]")
        name = (price.get("product_data") or {}).get("name") if isinstance(price.get("product_data"), dict) else None
        if not name:
            raise missing(f"{param}[price_data][product_data][name]")
        unit = as_int(price, "unit_amount", required=True)
        quantity = as_int(item, "quantity", required=True, minimum=1)
        if currency and price["currency"].lower() != currency:
            raise invalid(f"{param}[price_data][currency]", "All line items must use the same currency.")
        currency = price["currency"].lower()
        total += unit * quantity
        items.append({"description": name, "quantity": quantity, "unit_amount": unit, "amount_total": unit * quantity})
    return total, currency, items


def session_create(caller) -> dict:
    p = caller.params
    if p.get("mode") != "payment":
        raise (missing("mode") if not p.get("mode") else
               invalid("mode", "The sandbox supports mode=payment only."))
    if not p.get("success_url"):
        raise missing("success_url")
    total, currency, items = _line_items(p.get("line_items"))
    if total < MINIMUM_AMOUNT:
        raise StripeError(400, "The Checkout Session's total amount due must add up to at least $0.50 usd",
                          code="amount_too_small")
    intent_data = p.get("payment_intent_data") or {}
    fee = as_int(intent_data, "application_fee_amount")
    if fee is not None and fee > total:
        raise invalid("payment_intent_data[application_fee_amount]",
                      "The application fee cannot be greater than the amount of the payment.")
    if fee and not caller.account:
        raise invalid("payment_intent_data[application_fee_amount]",
                      "Application fees can only be taken on payments made on a connected account (Stripe-Account).")
    now = clock.now()
    lifetime = settings.HUBWIRE_SANDBOX_STRIPE_CHECKOUT_LIFETIME
    expires_at = as_int(p, "expires_at") or int((now + timedelta(seconds=lifetime)).timestamp())
    session_id = new_id(f"cs_{_prefix(caller.livemode)}_", 58)
    from hubwire.sandbox.clients import sandbox_url

    body = {
        "id": session_id, "object": "checkout.session", "after_expiration": None, "allow_promotion_codes": None,
        "amount_subtotal": total, "amount_total": total, "cancel_url": p.get("cancel_url") or None,
        "client_reference_id": p.get("client_reference_id") or None, "created": int(now.timestamp()),
        "currency": currency, "customer": None, "customer_details": None, "customer_email": p.get("customer_email") or None,
        "expires_at": expires_at, "invoice": None, "livemode": caller.livemode, "locale": None,
        "metadata": p.get("metadata") or {}, "mode": "payment", "payment_intent": None, "payment_link": None,
        "payment_method_types": ["card", "us_bank_account"], "payment_status": "unpaid", "status": "open",
        "success_url": p["success_url"], "url": sandbox_url("checkout.stripe.com", f"/c/pay/{session_id}"),
        # What the sandbox does not offer (tax, custom fields and text, shipping), in its "none" form.
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "custom_fields": [], "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                                             "terms_of_service_acceptance": None},
        "shipping_options": [],
    }
    state = {"items": items, "intent_data": {"application_fee_amount": fee,
                                             "metadata": intent_data.get("metadata") or {},
                                             "description": intent_data.get("description") or None}}
    return _create("checkout.session", caller, session_id, body, state).body


def session_list(caller) -> dict:
    """The caller's sessions, newest first, `limit` at a time (1 to 100, 10 by default), after the
    session `starting_after` names (providers.md §1.7)."""
    limit = as_int(caller.params, "limit", minimum=1)
    limit = 10 if limit is None else limit
    if limit > 100:
        raise StripeError(400, "This value must be less than or equal to 100.", code="parameter_invalid_integer",
                          param="limit")
    mine = StripeObject.objects.filter(kind="checkout.session", platform=caller.platform.name,
                                       account_id=caller.account, livemode=caller.livemode).order_by("-pk")
    after = caller.params.get("starting_after")
    if after:
        anchor = mine.filter(object_id=after).first()
        if anchor is None:
            raise StripeError(400, f"No such checkout.session: '{after}'", code="resource_missing",
                              param="starting_after")
        mine = mine.filter(pk__lt=anchor.pk)
    found = list(mine[:limit + 1])
    return {"object": "list", "data": [expire_if_due(s).body for s in found[:limit]],
            "has_more": len(found) > limit, "url": "/v1/checkout/sessions"}


def session_of(caller, session_id: str) -> StripeObject:
    return expire_if_due(_owned(caller, "checkout.session", session_id, "checkout.session"))


def expire_if_due(session: StripeObject) -> StripeObject:
    if session.body["status"] == "open" and session.body["expires_at"] <= clock.now().timestamp():
        return session_expire(session)
    return session


def session_expire(session: StripeObject, request_id: str | None = None) -> StripeObject:
    _save(session, status="expired")
    _emit(session, "checkout.session.expired", request_id=request_id)
    return session


# --- PaymentIntents ------------------------------------------------------------------------------

def _intent_body(*, livemode: bool, amount: int, currency: str, fee, metadata: dict, description=None,
                 methods=("card",)) -> dict:
    intent_id = new_id("pi_")
    return {
        "id": intent_id, "object": "payment_intent", "amount": amount, "amount_capturable": 0, "amount_received": 0,
        "application": None, "application_fee_amount": fee, "automatic_payment_methods": None, "canceled_at": None,
        "cancellation_reason": None, "capture_method": "automatic", "client_secret": f"{intent_id}_secret_{new_id('', 24)}",
        "confirmation_method": "automatic", "created": int(clock.now().timestamp()), "currency": currency,
        "customer": None, "description": description, "last_payment_error": None, "latest_charge": None,
        "livemode": livemode, "metadata": metadata, "next_action": None, "on_behalf_of": None, "payment_method": None,
        "payment_method_types": list(methods), "processing": None, "status": "requires_payment_method",
        "transfer_data": None,
    }


def intent_create(caller) -> dict:
    p = caller.params
    amount = as_int(p, "amount", required=True, minimum=MINIMUM_AMOUNT)
    if not p.get("currency"):
        raise missing("currency")
    fee = as_int(p, "application_fee_amount")
    if fee is not None and fee > amount:
        raise invalid("application_fee_amount", "The application fee cannot be greater than the amount.")
    body = _intent_body(livemode=caller.livemode, amount=amount, currency=p["currency"].lower(), fee=fee,
                        metadata=p.get("metadata") or {}, description=p.get("description") or None)
    if (p.get("automatic_payment_methods") or {}).get("enabled") in ("true", "True", True):
        body["automatic_payment_methods"] = {"enabled": True}
    intent = _create("payment_intent", caller, body["id"], body)
    if p.get("payment_method"):
        _save(intent, payment_method=p["payment_method"])
        if str(p.get("confirm")).lower() == "true":
            return intent_confirm(caller, intent)
    return intent.body


def intent_of(caller, intent_id: str) -> StripeObject:
    return _owned(caller, "payment_intent", intent_id, "payment_intent")


def intent_confirm(caller, intent: StripeObject) -> dict:
    if intent.body["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise StripeError(400, f"This PaymentIntent's status is {intent.body['status']} and it cannot be confirmed.",
                          code="payment_intent_unexpected_state")
    method = caller.params.get("payment_method") or intent.body.get("payment_method")
    if not method:
        raise missing("payment_method")
    card = TEST_PAYMENT_METHODS.get(method)
    if card is None:
        raise StripeError(400, f"No such PaymentMethod: '{method}'", code="resource_missing", param="payment_method")
    outcome = charge_card(intent, card, payment_method=method)
    if outcome:
        raise StripeError(402, outcome, type="card_error", code="card_declined", payment_intent=intent.body,
                          decline_code=intent.body["last_payment_error"]["decline_code"])
    return intent.body


_NO_BILLING_DETAILS = {"address": {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None,
                                   "state": None},
                       "email": None, "name": None, "phone": None}


def _payment_method(intent: StripeObject, payment_method: str, type: str) -> dict:
    return {"id": payment_method, "object": "payment_method", "type": type, "billing_details": _NO_BILLING_DETAILS,
            "created": int(clock.now().timestamp()), "customer": None, "livemode": intent.livemode, "metadata": {}}


def charge_card(intent: StripeObject, card: str, *, payment_method: str = "") -> str:
    """Charge a test card: '' when it succeeded (the intent is succeeded), else the decline message."""
    payment_method = payment_method or new_id("pm_")
    declined = CARD_DECLINED.get(card)
    if declined:
        code, decline_code, message = declined
        _save(intent, status="requires_payment_method", payment_method=None, last_payment_error={
            "type": "card_error", "code": code, "decline_code": decline_code, "message": message,
            "payment_method": _payment_method(intent, payment_method, "card")})
        _emit(intent, "payment_intent.payment_failed")
        return message
    _succeed(intent, payment_method)
    return ""


def _succeed(intent: StripeObject, payment_method: str) -> None:
    charge_id = new_id("ch_")
    _save(intent, status="succeeded", amount_received=intent.body["amount"], latest_charge=charge_id,
          payment_method=payment_method, last_payment_error=None)
    charge = {"id": charge_id, "object": "charge", "amount": intent.body["amount"], "amount_captured": intent.body["amount"],
              "amount_refunded": 0, "billing_details": _NO_BILLING_DETAILS, "currency": intent.body["currency"],
              "disputed": False, "paid": True, "refunded": False, "status": "succeeded", "captured": True,
              "payment_intent": intent.object_id, "payment_method": payment_method,
              "application_fee_amount": intent.body["application_fee_amount"],
              "livemode": intent.livemode, "metadata": intent.body["metadata"], "created": int(clock.now().timestamp())}
    _emit(intent, "charge.succeeded", charge)
    _emit(intent, "payment_intent.succeeded")


# --- the hosted page's outcomes ------------------------------------------------------------------

def _session_intent(session: StripeObject, methods: tuple[str, ...]) -> StripeObject:
    """The session's PaymentIntent, made on first use (newer API versions create it at confirmation)."""
    if session.body["payment_intent"]:
        return StripeObject.objects.get(object_id=session.body["payment_intent"])
    data = session.state["intent_data"]
    body = _intent_body(livemode=session.livemode, amount=session.body["amount_total"], currency=session.body["currency"],
                        fee=data["application_fee_amount"], metadata=data["metadata"], description=data["description"],
                        methods=methods)
    intent = StripeObject.objects.create(object_id=body["id"], kind="payment_intent", platform=session.platform,
                                         account_id=session.account_id, livemode=session.livemode, body=body,
                                         created_at=clock.now())
    _save(session, payment_intent=intent.object_id)
    return intent


def pay(session: StripeObject, *, method: str, card: str = "", email: str = "") -> str:
    """The customer submits the hosted page. Returns '' when the session completed, else what the
    page tells the customer (the session stays open, as Stripe's does)."""
    with transaction.atomic(using="sandbox"):
        session = StripeObject.objects.select_for_update().get(pk=session.pk)
        if session.body["status"] != "open":
            return f"This checkout session is {session.body['status']}."
        card = card.replace(" ", "")
        if method == "card" and card != CARD_SUCCEEDS and card not in CARD_DECLINED:
            return "Your card number is invalid. In the sandbox use 4242 4242 4242 4242 (succeeds) or " \
                   "4000 0000 0000 0002 (declined)."
        intent = _session_intent(session, ("card",) if method == "card" else ("us_bank_account",))
    details = {"email": email or None, "name": None, "phone": None, "address": None, "tax_exempt": "none", "tax_ids": []}
    if method == "card":
        declined = charge_card(intent, card)
        if declined:
            return declined
        _save(session, status="complete", payment_status="paid", customer_details=details)
        _emit(session, "checkout.session.completed")
        return ""
    # A delayed method: the session completes unpaid and the money arrives (or not) later.
    # `processing` details card payments only (its type is always "card"); a debit in flight has none.
    _save(intent, status="processing", payment_method=new_id("pm_"))
    _save(session, status="complete", payment_status="unpaid", customer_details=details)
    _emit(intent, "payment_intent.processing")
    _emit(session, "checkout.session.completed")
    return ""


def settle(session: StripeObject, *, succeeded: bool) -> StripeObject:
    """A delayed payment's outcome arrives (a test hook: real bank debits take days)."""
    intent = StripeObject.objects.get(object_id=session.body["payment_intent"])
    if intent.body["status"] != "processing":
        raise ValueError(f"{intent.object_id} is {intent.body['status']}, not processing")
    if succeeded:
        _succeed(intent, intent.body["payment_method"])
        _save(session, payment_status="paid")
        _emit(session, "checkout.session.async_payment_succeeded")
    else:
        _save(intent, status="requires_payment_method", last_payment_error={
            "type": "invalid_request_error", "code": "payment_method_insufficient_funds",
            "message": "The bank account has insufficient funds."})
        _emit(intent, "payment_intent.payment_failed")
        _emit(session, "checkout.session.async_payment_failed")
    return session
