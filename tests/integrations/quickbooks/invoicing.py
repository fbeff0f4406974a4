"""Helpers for the invoice export tests: accounts linked to sandbox QuickBooks customers (written
straight into the ledger, as the customers part would leave them), invoices issued through the CRM
services, and what the sandbox company holds."""

from hubwire.crm.models import Invoice
from hubwire.crm.services.documents import invoice_create, invoice_send
from hubwire.crm.services.people import account_create
from hubwire.integrations.quickbooks.customer_fields import account_fields
from hubwire.integrations.quickbooks.invoice_ledger import invoice_rows
from hubwire.sandbox.quickbooks.models import Entity
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus

ACTOR = "owner@example.test"
LINES = [{"description": "Brand workshop", "quantity": 2, "unit_amount": 45000},
         {"description": "Logo files", "quantity": "1.5", "unit_amount": 12000}]


def linked_account(company, workspace, name: str = "ACME Creative Agency", email: str = "billing@acme.example"):
    """An account and its QuickBooks customer, linked in the ledger."""
    account = account_create(workspace=workspace, actor=ACTOR, name=name, email=email)
    link(company, account)
    return account


def waiting_for_a_person(company, workspace, name: str = "Globex"):
    """An account the customers part cannot match by itself: two QuickBooks customers have its email."""
    email = f"ap@{name.lower()}.example"
    for n in (1, 2):
        company.control("quickbooks-create-customer", DisplayName=f"{name} {n}", PrimaryEmailAddr={"Address": email})
    return account_create(workspace=workspace, actor=ACTOR, name=name, email=email)


def link(company, account) -> str:
    made = company.control("quickbooks-create-customer", DisplayName=account.name,
                           PrimaryEmailAddr={"Address": account.email or "x@example.test"})
    customer_id = made["Customer"]["Id"]
    # update_or_create: the customers part may hold a row for it already (waiting for a person).
    SyncRecord.objects.update_or_create(
        workspace=account.workspace, provider="quickbooks", kind="customer", local_id=account.pk,
        defaults={"external_id": customer_id, "version": "0", "status": SyncStatus.SYNCED, "reason": "",
                  "matched_by": MatchedBy.CREATED, "synced": account_fields(account)})
    return customer_id


def issue(workspace, account, *, lines=LINES, **fields) -> Invoice:
    """An invoice made and issued (sent) in hubwire: pending, as the export wants it."""
    invoice = invoice_create(workspace=workspace, actor=ACTOR, account=account, lines=lines, **fields)
    return invoice_send(invoice=invoice, actor=ACTOR)


def qbo_invoices(company) -> list[dict]:
    """The sandbox company's live invoices, oldest first."""
    found = Entity.objects.filter(realm_id=company.realm_id, kind="Invoice", deleted=False).order_by("id")
    return [entity.body for entity in found]


def qbo_invoice(company, invoice_id: str) -> dict:
    return Entity.objects.get(realm_id=company.realm_id, kind="Invoice", entity_id=invoice_id).body


def row_of(invoice) -> SyncRecord | None:
    return invoice_rows(invoice.workspace).filter(local_id=invoice.pk).first()
