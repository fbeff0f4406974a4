"""Helpers for the customer tests: accounts and contacts made through the CRM services, the queued
work run as a worker would, what the sandbox company holds, and a record of the requests hubwire
sent to QuickBooks (the sandbox logs paths only; these tests also read query strings and bodies)."""

import json
from dataclasses import dataclass

import httpx
import pytest

from hubwire.crm.models import Account
from hubwire.crm.services import people
from hubwire.integrations.quickbooks.config import enable
from hubwire.integrations.quickbooks.customers import customer_record
from hubwire.sandbox.quickbooks.models import Entity
from hubwire.sync.models import SyncPass
from tests.integrations.meetings import run_jobs

API = "quickbooks.api.intuit.com"


def account(workspace, name: str, *, email: str = "", **fields) -> Account:
    return people.account_create(workspace=workspace, actor="owner@example.test", name=name, email=email, **fields)


def contact(workspace, account_, first_name: str, email: str):
    return people.contact_create(workspace=workspace, actor="owner@example.test", account=account_,
                                 first_name=first_name, email=email)


def in_quickbooks(company, name: str, email: str = "", **fields) -> dict:
    """A customer made by a QuickBooks user (the sandbox's test hook)."""
    body = {"DisplayName": name, **({"PrimaryEmailAddr": {"Address": email}} if email else {}), **fields}
    return company.control("quickbooks-create-customer", **body)["Customer"]


def customers(company) -> list[dict]:
    """Every customer the sandbox company holds, active or not, by Id."""
    return [e.body for e in Entity.objects.filter(realm_id=company.realm_id, kind="Customer").order_by("id")]


def named(company, name: str) -> list[dict]:
    return [c for c in customers(company) if c["DisplayName"] == name]


def row(account_):
    return customer_record(account_)


def passes(**filters) -> list[SyncPass]:
    return list(SyncPass.objects.filter(name="quickbooks.customers", **filters).order_by("id"))


def settle() -> list[str]:
    """Run every due job (event handlers, then the passes they queue) until none is left."""
    return run_jobs()


@dataclass
class Sent:
    method: str
    url: httpx.URL
    body: dict | None

    @property
    def path(self) -> str:
        return self.url.path

    def param(self, name: str) -> str:
        return self.url.params.get(name, "")


class Wire:
    """The requests hubwire sent to QuickBooks' API host, in order."""

    def __init__(self):
        self.sent: list[Sent] = []

    def to(self, suffix: str, method: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.path.endswith(suffix) and (method is None or s.method == method)]

    def batches(self) -> list[Sent]:
        return self.to("/batch", "POST")

    def queries(self) -> list[Sent]:
        return self.to("/query")


@pytest.fixture
def wire(monkeypatch) -> Wire:
    recorded = Wire()
    real = httpx.HTTPTransport.handle_request

    def recording(transport, request):
        if "/v3/company/" in request.url.path:
            body = json.loads(request.content) if request.content else None
            recorded.sent.append(Sent(request.method, request.url, body))
        return real(transport, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", recording)
    return recorded


@pytest.fixture
def books(quickbooks):
    """Sandbox QuickBooks connected and the integration turned on (the tab's toggle)."""
    enable(quickbooks.connection)
    quickbooks.refresh()
    return quickbooks
