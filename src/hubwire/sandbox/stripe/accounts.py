"""Connected accounts: what onboarding collects, and the Account object (providers.md §1.3) that
follows from it. Every change is announced with `account.updated` to the platforms connected."""

from datetime import timedelta

from django.db import transaction

from hubwire.sandbox import clock
from hubwire.sandbox.models import StripeAccount, StripeGrant
from hubwire.sandbox.stripe import events
from hubwire.sandbox.stripe.wire import new_id

# What hosted onboarding asks for, as Stripe names each requirement (and the form's wording).
REQUIREMENTS = {
    "business_profile.name": "Business name",
    "business_profile.url": "Business website",
    "representative.first_name": "Representative's first name",
    "representative.last_name": "Representative's last name",
    "external_account": "Bank account for payouts",
    "tos_acceptance.date": "Acceptance of the Stripe Services Agreement",
    "tos_acceptance.ip": "Acceptance of the Stripe Services Agreement",
}
# Stripe gives a deadline once requirements are due on an account that started onboarding [U: 14 days].
DEADLINE = timedelta(days=14)


def create(*, email: str = "", country: str = "US", controller: dict | None = None, business_name: str = "",
           complete: bool = False) -> StripeAccount:
    collected = {"email": email, "country": country or "US", "controller": controller or {}}
    if business_name:
        collected["business_profile.name"] = business_name
    if complete:
        collected.update({"business_profile.name": business_name or "Sandbox Business",
                          "business_profile.url": "https://business.example",
                          "representative.first_name": "Sam", "representative.last_name": "Sandbox",
                          "external_account": "ba_" + new_id("", 14), "tos_acceptance.date": int(clock.now().timestamp()),
                          "tos_acceptance.ip": "127.0.0.1", "submitted": True})
    row = StripeAccount(account_id=new_id("acct_", 16), collected=collected, created_at=clock.now())
    row.body = body_of(row)
    row.save()
    return row


def body_of(row: StripeAccount) -> dict:
    c = row.collected
    due = [r for r in REQUIREMENTS if not c.get(r)]
    submitted = bool(c.get("submitted")) and not due
    disabled = c.get("disabled_reason") or ("requirements.past_due" if due else "")
    charges = submitted and not c.get("disabled_reason")
    started = bool(c.get("started"))
    deadline = int((row.created_at + DEADLINE).timestamp()) if due and started else None
    controller = c.get("controller") or {}
    dashboard = (controller.get("stripe_dashboard") or {}).get("type", "full")
    requirements = {"alternatives": [], "current_deadline": deadline, "currently_due": due,
                    "disabled_reason": disabled or None, "errors": [], "eventually_due": due, "past_due": [],
                    "pending_verification": []}
    return {
        "id": row.account_id, "object": "account",
        "type": "standard" if dashboard == "full" else dashboard,
        "controller": {"type": "application", "is_controller": True,
                       "stripe_dashboard": {"type": dashboard},
                       "fees": {"payer": (controller.get("fees") or {}).get("payer", "account")},
                       "losses": {"payments": (controller.get("losses") or {}).get("payments", "stripe")},
                       "requirement_collection": controller.get("requirement_collection", "stripe")},
        "charges_enabled": charges, "payouts_enabled": charges and bool(c.get("external_account")),
        "details_submitted": submitted,
        "business_profile": {"name": c.get("business_profile.name") or None, "url": c.get("business_profile.url") or None,
                             "mcc": None, "support_email": None, "support_phone": None, "product_description": None},
        "capabilities": {"card_payments": "active" if charges else "inactive",
                         "transfers": "active" if charges else "inactive"},
        "country": c.get("country", "US"), "default_currency": "usd", "email": c.get("email") or None,
        "created": int(row.created_at.timestamp()),
        "requirements": requirements,
        "future_requirements": {**requirements, "currently_due": [], "eventually_due": [], "disabled_reason": None,
                                "current_deadline": None},
        "settings": _settings(c, controller),
        "tos_acceptance": {"date": c.get("tos_acceptance.date"), "ip": c.get("tos_acceptance.ip"), "user_agent": None},
        "external_accounts": {"object": "list", "data": [], "has_more": False,
                              "url": f"/v1/accounts/{row.account_id}/external_accounts"},
        "metadata": {},
    }


def _settings(collected: dict, controller: dict) -> dict:
    descriptors = {"statement_descriptor": None, "statement_descriptor_kana": None, "statement_descriptor_kanji": None}
    return {
        "branding": {"icon": None, "logo": None, "primary_color": None, "secondary_color": None},
        "card_payments": {"decline_on": {"avs_failure": False, "cvc_failure": False},
                          "statement_descriptor_prefix": None, "statement_descriptor_prefix_kana": None,
                          "statement_descriptor_prefix_kanji": None},
        "dashboard": {"display_name": collected.get("display_name") or None, "timezone": "Etc/UTC"},
        "payments": descriptors,
        # Stripe reclaims negative balances from the bank account unless the platform collects requirements.
        "payouts": {"debit_negative_balances": controller.get("requirement_collection", "stripe") == "stripe",
                    "schedule": {"delay_days": 2, "interval": "daily"}, "statement_descriptor": None},
    }


def update(account_id: str, changes: dict) -> StripeAccount:
    """Apply what onboarding (or a test hook) changed; send account.updated with what was before."""
    with transaction.atomic(using="sandbox"):
        row = StripeAccount.objects.select_for_update().get(account_id=account_id)
        before = row.body
        row.collected = {**row.collected, **changes}
        row.body = body_of(row)
        row.save(update_fields=["collected", "body"])
    previous = {k: v for k, v in before.items() if row.body.get(k) != v}
    if previous:
        for grant in grants(account_id):
            events.emit(platform=grant.platform, livemode=grant.livemode, account=account_id, type="account.updated",
                        obj=row.body, previous=previous)
    return row


def grants(account_id: str):
    return StripeGrant.objects.filter(account_id=account_id, deauthorized_at=None)


def grant(*, platform, account_id: str, via: str) -> StripeGrant:
    found, _ = StripeGrant.objects.update_or_create(
        platform=platform.name, account_id=account_id, livemode=platform.livemode,
        defaults={"via": via, "created_at": clock.now(), "deauthorized_at": None})
    return found


def deauthorize(found: StripeGrant) -> None:
    """The platform loses the account: by the platform's /oauth/deauthorize, or the owner removing it."""
    StripeGrant.objects.filter(pk=found.pk).update(deauthorized_at=clock.now())
    events.emit(platform=found.platform, livemode=found.livemode, account=found.account_id,
                type="account.application.deauthorized",
                obj={"id": "ca_sandbox_" + ("live" if found.livemode else "test") + "_" + found.platform,
                     "object": "application", "name": found.platform})
