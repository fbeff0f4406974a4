"""The company's active customers, read once per pass (paged queries, 1,000 a page) into what
matching needs: who has each email address, and which display names are taken.

A pass keeps it up to date with what it creates, so that two accounts decided in one pass see
each other's customers (the second of two accounts sharing an email finds the first's customer)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from hubwire.integrations.quickbooks.customer_fields import emails_of

# Name-list entities are answered active-only by default; saying so keeps the query's meaning plain.
ACTIVE_CUSTOMERS = "SELECT * FROM Customer WHERE Active = true"


@dataclass(frozen=True)
class Known:
    """A customer as matching sees it."""

    id: str
    sync_token: str
    display_name: str
    emails: tuple[str, ...]

    @classmethod
    def of(cls, customer: dict) -> Known:
        return cls(str(customer["Id"]), str(customer.get("SyncToken", "")), customer.get("DisplayName", ""),
                   tuple(emails_of(customer)))


def name_key(name: str) -> str:
    """QuickBooks compares display names without regard to case or surrounding space."""
    return name.strip().casefold()


@dataclass
class CustomerIndex:
    by_email: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, Known] = field(default_factory=dict)
    size: int = 0

    def add(self, customer: dict) -> Known:
        known = Known.of(customer)
        for email in known.emails:
            if all(other.id != known.id for other in self.by_email[email]):
                self.by_email[email].append(known)
        self.by_name[name_key(known.display_name)] = known
        self.size += 1
        return known

    def with_email(self, email: str) -> list[Known]:
        return list(self.by_email.get(email.lower(), [])) if email else []

    def named(self, name: str) -> Known | None:
        return self.by_name.get(name_key(name))


def read_index(qbo) -> CustomerIndex:
    index = CustomerIndex()
    for customer in qbo.query(ACTIVE_CUSTOMERS, entity="Customer"):
        index.add(customer)
    return index
