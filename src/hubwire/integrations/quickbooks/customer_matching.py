"""Deciding, for an account not yet connected, what becomes of it: linked to the one QuickBooks
customer with its email, left for a person when that is not one clear customer, or created.

The account's own email is asked first and its contacts' emails only when nobody has the account's
(the seed: "cross-reference the emails … and automatically connect them"). Used by the pass and by
the preview that the "Connect customers" confirmation shows, so the two always agree."""

from __future__ import annotations

from dataclasses import dataclass

from hubwire.crm.models import Account
from hubwire.integrations.quickbooks.customer_fields import account_fields, distinguished
from hubwire.integrations.quickbooks.customer_index import CustomerIndex, Known, name_key


@dataclass(frozen=True)
class Link:
    customer: Known
    how: str  # in words, for the account's page


@dataclass(frozen=True)
class Wait:
    why: str  # for the person who must choose


@dataclass(frozen=True)
class Create:
    display_name: str
    note: str = ""  # why the display name is not the account's name


@dataclass(frozen=True)
class Later:
    """An account in this pass's batch is about to create a customer with one of these emails: decide
    once that customer exists (two accounts sharing an email must not make two customers)."""


Decision = Link | Wait | Create | Later


def contact_emails(account: Account) -> list[str]:
    """The account's contacts' emails, lower-cased, each once (contacts prefetched by the caller)."""
    return list(dict.fromkeys(c.email.strip().lower() for c in account.contacts.all() if c.email))


@dataclass
class Planned:
    """What the batch being assembled will create: emails and display names not in the index yet."""

    emails: set[str]
    names: set[str]

    @classmethod
    def empty(cls) -> Planned:
        return cls(set(), set())

    def add(self, email: str, display_name: str) -> None:
        if email:
            self.emails.add(email)
        self.names.add(name_key(display_name))


def decide(account: Account, index: CustomerIndex, taken_ids: set[str], planned: Planned) -> Decision:
    email = account_fields(account)["email"]
    candidates, source = index.with_email(email), "this account's email"
    if not candidates:
        found: dict[str, Known] = {}
        for contact_email in contact_emails(account):
            found.update((c.id, c) for c in index.with_email(contact_email))
        candidates, source = list(found.values()), "the emails of this account's contacts"
    if (email and email in planned.emails) or planned.emails.intersection(contact_emails(account)):
        return Later()
    if len(candidates) > 1:
        return Wait(f"{len(candidates)} QuickBooks customers have {source} "
                    f"({', '.join(c.display_name for c in candidates[:5])}); hubwire does not guess. "
                    "Choose one on the account's page.")
    if candidates:
        [customer] = candidates
        if customer.id in taken_ids:
            return Wait(f"QuickBooks customer “{customer.display_name}” has {source}, but it is already "
                        "connected to another account. Choose a customer for this one on the account's page.")
        return Link(customer, f"Matched automatically by {source}.")
    return create_decision(account, index, planned)


def create_decision(account: Account, index: CustomerIndex, planned: Planned) -> Create:
    fields = account_fields(account)
    name = fields["name"]

    def taken(display_name: str) -> bool:
        return index.named(display_name) is not None or name_key(display_name) in planned.names

    if not taken(name):
        return Create(name)
    other = distinguished(name, fields["email"], taken)
    return Create(other, suffix_note(name, other))


def suffix_note(name: str, display_name: str) -> str:
    return (f"QuickBooks already has a customer, vendor or employee named “{name}” with another email, so "
            f"hubwire created this customer as “{display_name}” (a display name must be unique in QuickBooks).")
