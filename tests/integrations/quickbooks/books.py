"""A company connected and listening, and hubwire objects linked to its QuickBooks objects by writing
ledger rows directly (as the customers and invoices exports would): what the tests of inbound
notifications, changes and payments start from."""

from __future__ import annotations

from dataclasses import dataclass

from hubwire.crm.models import Account, Invoice
from hubwire.crm.services.documents import invoice_create, invoice_send
from hubwire.crm.services.people import account_create
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.quickbooks.config import DEFAULT_ITEM, enable
from hubwire.integrations.quickbooks.customer_fields import account_fields
from hubwire.integrations.quickbooks.invoice_fields import invoice_fields
from hubwire.integrations.quickbooks.service_item import service_item_id
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus
from hubwire.sync.rules import zone_of
from tests.integrations.quickbooks.conftest import CLIENT_ID, ConnectedCompany


def listen(quickbooks: ConnectedCompany, *, format: str = "legacy") -> str:
    """Enable the integration and point the Intuit app's webhooks at the connection's own URL (what
    the owner copies from the tab to Intuit's developer site); the URL."""
    enable(quickbooks.connection)
    url = connection_inbound_url(connection=quickbooks.connection)
    quickbooks.sandbox.control("quickbooks-webhook-settings", client_id=CLIENT_ID, url=url, format=format)
    return url


@dataclass
class Linked:
    account: Account
    customer: dict
    invoice: Invoice | None = None
    qbo_invoice: dict | None = None


def link(quickbooks: ConnectedCompany, workspace, *, name: str = "ACME Creative Agency", email: str = "billing@acme.example",
         amount: int = 10000, invoice: bool = True) -> Linked:
    """A hubwire account linked to a QuickBooks customer and, unless `invoice` is False, a pending
    invoice of it exported to QuickBooks (made there by hubwire's app, so no notification is sent)."""
    account = account_create(workspace=workspace, actor="tests", name=name, email=email)
    with company_api(quickbooks.connection) as qbo:
        customer = qbo.write("Customer", {"DisplayName": name, "PrimaryEmailAddr": {"Address": email}})
    SyncRecord.objects.create(workspace=workspace, provider="quickbooks", kind="customer", local_id=account.pk,
                              external_id=customer["Id"], version=customer["SyncToken"], status=SyncStatus.SYNCED,
                              matched_by=MatchedBy.AUTOMATIC, synced=account_fields(account))
    linked = Linked(account, customer)
    if invoice:
        linked.invoice = invoice_send(invoice=invoice_create(
            workspace=workspace, actor="tests", account=account, currency="USD",
            lines=[{"description": "Brand refresh", "quantity": 1, "unit_amount": amount}]), actor="tests")
        with company_api(quickbooks.connection) as qbo:
            # As the export would send it (invoice_fields), so that the ledger row is in step with it.
            wanted = invoice_fields(linked.invoice, customer_id=customer["Id"], zone=zone_of(workspace),
                                    item_id=service_item_id(quickbooks.connection, qbo, DEFAULT_ITEM), tax="line")
            linked.qbo_invoice = qbo.write("Invoice", wanted)
        SyncRecord.objects.create(workspace=workspace, provider="quickbooks", kind="invoice",
                                  local_id=linked.invoice.pk, external_id=linked.qbo_invoice["Id"],
                                  version=linked.qbo_invoice["SyncToken"], status=SyncStatus.SYNCED,
                                  matched_by=MatchedBy.CREATED, synced=wanted)
    return linked
