"""What a hubwire account says as a QuickBooks Customer (providers.md §2.3), and back.

The ledger row's `synced` keeps the account's side (name, email, phone, website, address) as last
sent to or found in QuickBooks, so that a change in hubwire sends only the fields that changed. It
also keeps the DisplayName QuickBooks holds (`display_name`), which may carry a suffix: QuickBooks
wants a display name unique across customers, vendors and employees (6240); and how the link came
about (`how`), which the account's page shows."""

from __future__ import annotations

import re

from hubwire.crm.models import Account

# The account's fields a customer mirrors, in hubwire's words.
MIRRORED = ("name", "email", "phone", "website", "address")
# Kept in `synced` beside them: the name the customer has in QuickBooks, and how the account came to
# be connected to it, in words for the account's page (matched by which email, created, why a suffix).
DISPLAY_NAME, HOW = "display_name", "how"

# Intuit's API reference, Customer: CompanyName at most 100 characters, each BillAddr line at most
# 500, and five lines (Line1 to Line5).
COMPANY_NAME_MAX = 100
ADDRESS_LINES = 5

# QuickBooks keeps several addresses in PrimaryEmailAddr separated by commas (its UI says so).
_EMAIL_SEPARATORS = re.compile(r"[,;\s]+")


def account_fields(account: Account) -> dict:
    """What the customer should say, from the account."""
    return {"name": account.name.strip(), "email": (account.email or "").strip().lower(),
            "phone": account.phone or "", "website": account.website or "", "address": (account.address or "").strip()}


def customer_body(fields: dict, *, display_name: str | None = None) -> dict:
    """The Customer fields for these account fields (all of them on a create, the changed ones on a
    sparse update). An empty value is sent empty, so that clearing it in hubwire clears it there."""
    body: dict = {}
    if "name" in fields:
        body["DisplayName"] = display_name or fields["name"]
        body["CompanyName"] = fields["name"][:COMPANY_NAME_MAX]
    if "email" in fields:
        body["PrimaryEmailAddr"] = {"Address": fields["email"]}
    if "phone" in fields:
        body["PrimaryPhone"] = {"FreeFormNumber": fields["phone"]}
    if "website" in fields:
        body["WebAddr"] = {"URI": fields["website"]}
    if "address" in fields:
        body["BillAddr"] = bill_address(fields["address"])
    return body


def create_body(fields: dict, display_name: str) -> dict:
    """A new customer: the fields that have a value (QuickBooks needs no empty objects)."""
    return customer_body({k: v for k, v in fields.items() if v or k == "name"}, display_name=display_name)


def bill_address(text: str) -> dict:
    """The address's lines as QuickBooks' Line1…Line5 (it shows them as written); lines past the
    fifth are joined onto the fifth rather than lost."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > ADDRESS_LINES:
        lines = [*lines[:ADDRESS_LINES - 1], ", ".join(lines[ADDRESS_LINES - 1:])]
    return {f"Line{n}": line for n, line in enumerate(lines, start=1)}


def emails_of(customer: dict) -> list[str]:
    """The customer's email addresses, lower-cased."""
    text = ((customer.get("PrimaryEmailAddr") or {}).get("Address") or "").lower()
    return [part for part in _EMAIL_SEPARATORS.split(text) if "@" in part]


def summary(customer: dict) -> dict:
    """What the account page shows of a customer (search results, the linked one)."""
    return {"id": str(customer.get("Id", "")), "name": customer.get("DisplayName", ""),
            "email": ", ".join(emails_of(customer)), "company": customer.get("CompanyName", ""),
            "active": customer.get("Active", True) is not False}


def distinguished(name: str, email: str, taken) -> str:
    """A display name no one has yet, for an account whose name another customer, vendor or employee
    holds: the account's email domain first ("ACME Creative Agency (acme.example)"), which tells a
    bookkeeper reading the customer list which business it is, else the first free number ("… (2)").
    `taken(name)` says whether QuickBooks is known to hold a name."""
    domain = email.rpartition("@")[2] if "@" in email else ""
    if domain and not taken(f"{name} ({domain})"):
        return f"{name} ({domain})"
    number = 2
    while taken(f"{name} ({number})"):
        number += 1
    return f"{name} ({number})"
