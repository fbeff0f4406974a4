"""Sandbox Stripe's test hooks: what an account owner or Stripe itself does outside hubwire, and
holding / releasing events to test ordering and duplicates."""

from hubwire.sandbox.hooks import control_action, flag, reset_tables
from hubwire.sandbox.models import StripeAccount, StripeGrant, StripeIdempotency, StripeObject, StripeRequestCount
from hubwire.sandbox.stripe import accounts as stripe_accounts, events as stripe_events, payments as stripe_payments

reset_tables(StripeAccount, StripeGrant, StripeObject, StripeIdempotency, StripeRequestCount)


def _stripe_session(data) -> StripeObject:
    return StripeObject.objects.get(object_id=data["session"], kind="checkout.session")


@control_action("stripe-deauthorize")
def stripe_deauthorize(data):
    """The account's owner removes the platform in their Stripe Dashboard."""
    grants = StripeGrant.objects.filter(account_id=data["account"], deauthorized_at=None)
    if "livemode" in data:
        grants = grants.filter(livemode=flag(data, "livemode"))
    found = list(grants)
    for grant in found:
        stripe_accounts.deauthorize(grant)
    return {"deauthorized": len(found)}


@control_action("stripe-disable")
def stripe_disable(data):
    """Stripe stops the account taking charges (e.g. "rejected.fraud"); blank reason lifts it."""
    row = stripe_accounts.update(data["account"], {"disabled_reason": data.get("reason", "rejected.other")})
    return {"charges_enabled": row.body["charges_enabled"]}


@control_action("stripe-settle")
def stripe_settle(data):
    """A delayed (bank debit) payment settles: {"session", "outcome": "succeeded" | "failed"}."""
    session = stripe_payments.settle(_stripe_session(data), succeeded=data.get("outcome", "succeeded") == "succeeded")
    return {"payment_status": session.body["payment_status"]}


@control_action("stripe-expire")
def stripe_expire(data):
    return {"status": stripe_payments.session_expire(_stripe_session(data)).body["status"]}


@control_action("stripe-hold-events")
def stripe_hold(data):
    stripe_events.hold(flag(data, "hold", True))
    return {"holding": stripe_events.holding()}


@control_action("stripe-release-events")
def stripe_release(data):
    """Send held events: {"order": "sent" | "reverse", "twice": bool}."""
    twice = flag(data, "twice")
    return {"sent": stripe_events.release(order=data.get("order", "sent"), twice=twice)}
