"""QuickBooks follows CRM changes through event handlers that ask, with the change, whether they have
anything to do (events.registry.on's `wanted`): without QuickBooks connected and on, an account, a
contact, an invoice or a payment makes no handler run and no broker message; with it, each change
that can matter makes its run."""

import pytest

from hubwire.crm.services.documents import payment_record
from hubwire.crm.services.people import account_create, contact_create
from hubwire.events.models import Event, HandlerRun
from hubwire.jobs import runner
from tests.conftest import SANDBOX_DB
from tests.integrations.quickbooks.invoicing import issue

ACTOR = "owner@example.test"


def changes(workspace) -> None:
    """One of each change QuickBooks follows: an account, its contacts (with and without an email),
    an invoice made, issued and paid."""
    agency = account_create(workspace=workspace, actor=ACTOR, name="ACME Creative Agency")
    contact_create(workspace=workspace, actor=ACTOR, account=agency.pk, first_name="Ana", email="ana@acme.example")
    contact_create(workspace=workspace, actor=ACTOR, account=agency.pk, first_name="Ben")
    invoice = issue(workspace, agency)
    payment_record(invoice=invoice, actor=ACTOR)


def runs_by_event() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for event_type, handler in HandlerRun.objects.values_list("event__type", "handler").order_by("pk"):
        found.setdefault(event_type, []).append(handler)
    return found


@pytest.mark.django_db(transaction=True)
def test_without_quickbooks_a_crm_change_makes_no_handler_run_and_sends_nothing(workspace, monkeypatch):
    sent = []
    monkeypatch.setattr(runner, "send", lambda label, pk: sent.append((label, pk)))
    changes(workspace)
    assert {"account.created", "contact.created", "invoice.created", "invoice.sent", "invoice.paid"} <= set(
        Event.objects.values_list("type", flat=True)), "every change still records its event"
    assert runs_by_event() == {}
    assert sent == []


@SANDBOX_DB
def test_with_quickbooks_on_each_change_that_can_matter_makes_its_run(quickbooks_on, workspace, monkeypatch):
    sent = []
    monkeypatch.setattr(runner, "send", lambda label, pk: sent.append((label, pk)))
    changes(workspace)
    assert runs_by_event() == {
        "account.created": ["quickbooks.customers.follow_account"],
        # Ben has no email, so he cannot help match the account to a customer: no run for him.
        "contact.created": ["quickbooks.customers.follow_contact"],
        "invoice.created": ["quickbooks.invoices"],
        "invoice.sent": ["quickbooks.invoices"],
        "invoice.paid": ["quickbooks.payments_follow"],
    }
    assert sorted(sent) == sorted(("events.handlerrun", pk) for pk in HandlerRun.objects.values_list("pk", flat=True))
