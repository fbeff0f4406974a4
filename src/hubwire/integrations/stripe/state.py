"""A connected account's state, read from Stripe's Account object (providers.md §1.3): the
business name, whether it can take charges and receive payouts, and what Stripe still needs, in
plain words. Snapshots are applied in order: an older one (a late account.updated) never
overwrites a newer one."""

from __future__ import annotations

from datetime import datetime, timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.integrations.models import Connection, ConnectionStatus

# Stripe's requirement names, by prefix, in the words a business owner uses.
PLAIN_REQUIREMENTS = [
    ("business_profile.name", "your business name"),
    ("business_profile.url", "your business website"),
    ("business_profile.product_description", "a description of what you sell"),
    ("business_profile.support_phone", "a customer support phone number"),
    ("business_profile.mcc", "your type of business"),
    ("external_account", "a bank account for payouts"),
    ("tos_acceptance", "your acceptance of Stripe's terms of service"),
    ("representative", "details about you, the account representative"),
    ("individual", "your personal details"),
    ("company", "your company's details"),
    ("owners", "details about the company's owners"),
    ("directors", "details about the company's directors"),
    ("executives", "details about the company's executives"),
    ("person_", "details about a person at the business"),
    ("settings.payments.statement_descriptor", "how your business appears on card statements"),
]
# disabled_reason values meaning Stripe itself has stopped the account (docs.stripe.com/api/accounts).
STOPPED = ("rejected.", "listed", "platform_paused", "under_review", "other")


def plain(requirement: str) -> str:
    for prefix, words in PLAIN_REQUIREMENTS:
        if requirement.startswith(prefix):
            return words
    return requirement.replace("_", " ").replace(".", ": ")


def plain_list(requirements: list[str]) -> list[str]:
    seen = []
    for words in map(plain, requirements):
        if words not in seen:
            seen.append(words)
    return seen


def summary(account: dict) -> dict:
    """What hubwire keeps of an Account object (in Connection.details["account"])."""
    requirements = account.get("requirements") or {}
    name = ((account.get("business_profile") or {}).get("name")
            or ((account.get("settings") or {}).get("dashboard") or {}).get("display_name") or "")
    return {
        "id": account.get("id", ""), "name": name, "email": account.get("email") or "",
        "charges_enabled": bool(account.get("charges_enabled")), "payouts_enabled": bool(account.get("payouts_enabled")),
        "details_submitted": bool(account.get("details_submitted")),
        "currently_due": list(requirements.get("currently_due") or []),
        "past_due": list(requirements.get("past_due") or []),
        "current_deadline": requirements.get("current_deadline"),
        "disabled_reason": requirements.get("disabled_reason") or "",
        "dashboard": ((account.get("controller") or {}).get("stripe_dashboard") or {}).get("type", ""),
    }


def deadline_words(s: dict) -> str:
    if not s.get("current_deadline"):
        return ""
    when = datetime.fromtimestamp(s["current_deadline"], tz=dt_timezone.utc)
    return f" by {when:%Y-%m-%d}"


def status_for(s: dict) -> tuple[str, str]:
    """(ConnectionStatus, reason in plain words) for an account summary."""
    due = plain_list(s["currently_due"] + [r for r in s["past_due"] if r not in s["currently_due"]])
    reason = s["disabled_reason"]
    if s["charges_enabled"]:
        if due:  # still active, but Stripe will pause it unless these arrive
            return ConnectionStatus.ACTIVE, f"Stripe needs {', '.join(due)}{deadline_words(s)} to keep this account active."
        return ConnectionStatus.ACTIVE, ""
    if reason.startswith(STOPPED):
        return (ConnectionStatus.NEEDS_ATTENTION,
                f"Stripe has disabled charges on this account ({reason}). Open the Stripe Dashboard to see why.")
    if s["details_submitted"] and not due:
        return ConnectionStatus.SETUP_INCOMPLETE, "Stripe is reviewing the details you submitted."
    if s["details_submitted"]:
        return (ConnectionStatus.NEEDS_ATTENTION,
                f"Charges are paused: Stripe needs {', '.join(due)}{deadline_words(s)}.")
    if due:
        return ConnectionStatus.SETUP_INCOMPLETE, f"Setup incomplete: Stripe still needs {', '.join(due)}{deadline_words(s)}."
    return ConnectionStatus.SETUP_INCOMPLETE, "Setup incomplete: finish onboarding with Stripe."


def apply(connection: Connection, account: dict, *, as_of: int | None = None, actor=None) -> bool:
    """Store the account's state on the connection unless a newer snapshot is already there.
    `as_of` is when Stripe produced it (an event's `created`), default now. False when stale or
    when the connection was disconnected meanwhile."""
    as_of = int(timezone.now().timestamp()) if as_of is None else int(as_of)
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if locked.status == ConnectionStatus.NOT_CONNECTED:  # disconnected meanwhile: stays so
            return False
        if as_of < locked.details.get("as_of", 0) or locked.external_account_id not in ("", account.get("id")):
            return False
        s = summary(account)
        status, reason = status_for(s)
        changed = status != locked.status
        locked.status, locked.status_reason = status, reason
        locked.account_name = s["name"] or s["email"] or s["id"]
        locked.external_account_id = s["id"] or locked.external_account_id
        locked.details = {**locked.details, "account": s, "as_of": as_of}
        locked.save(update_fields=["status", "status_reason", "account_name", "external_account_id", "details",
                                   "updated_at"])
        if changed:
            audit_record(workspace=locked.workspace, actor=actor, action=f"stripe_{status}", subject=locked.subject,
                         detail=reason)
    for field in ("status", "status_reason", "account_name", "external_account_id", "details"):
        setattr(connection, field, getattr(locked, field))
    return True
