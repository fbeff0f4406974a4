"""The invoice rows of the sync ledger and what every part of the QuickBooks invoice export agrees on:
which connection may export, which invoices may go, which QuickBooks customer an account is, and
the words a waiting invoice shows.

A hubwire Invoice is a QuickBooks Invoice: ledger kind "invoice", local_id the Invoice's pk,
external_id the QuickBooks Id, version its SyncToken, `synced` the fields last sent. An account is a
QuickBooks customer (kind "customer", local_id the Account's pk), linked by the customers part."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from hubwire.crm.models import Account, Invoice, InvoiceStatus
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.config import QuickBooksConfig, config_of
from hubwire.sync.models import SyncRecord, SyncStatus

PROVIDER = "quickbooks"
KIND = "invoice"
CUSTOMER_KIND = "customer"

WAITING_FOR_SCHEDULE = "Waiting for the next scheduled export to QuickBooks (or press Export now)."
EXPORTING = "Being exported to QuickBooks…"
SENDING_CHANGE = "Sending the change to QuickBooks…"


def invoice_rows(workspace) -> QuerySet[SyncRecord]:
    return SyncRecord.objects.filter(workspace=workspace, provider=PROVIDER, kind=KIND)


def customer_ids(workspace, account_ids) -> dict[int, str]:
    """The QuickBooks customer Id of each of these accounts that is linked to one."""
    linked = SyncRecord.objects.filter(workspace=workspace, provider=PROVIDER, kind=CUSTOMER_KIND,
                                       local_id__in=list(account_ids)).exclude(external_id="") \
        .exclude(status=SyncStatus.REMOVED)
    return dict(linked.values_list("local_id", "external_id"))


def waiting_for_customer(account: Account) -> str:
    return f"Waiting for {account.name} to be connected to a QuickBooks customer."


def export_connection(workspace) -> Connection | None:
    """The workspace's QuickBooks connection when invoices may go to it now: active, with the
    integration enabled. One query: every invoice event asks it first."""
    connection = Connection.objects.filter(workspace=workspace, provider=PROVIDER, mode="",
                                           status=ConnectionStatus.ACTIVE).first()
    if connection is None:
        return None
    config = config_of(connection)
    return connection if config.enabled and config.enabled_since else None


def enabled_words(config: QuickBooksConfig, zone: ZoneInfo) -> str:
    since = config.enabled_since
    return f"{since.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})" if since else "not yet"


def not_exportable(invoice: Invoice, config: QuickBooksConfig, zone: ZoneInfo) -> str:
    """Why this invoice is not one for QuickBooks (yet), in words, or "" when it is. Only invoices created
    at or after the integration was enabled ever go (the seed: "SphereMail cannot export old invoices
    or any invoices created prior to enabling the integration")."""
    since = config.enabled_since
    if not config.enabled or since is None:
        return "The QuickBooks integration is not enabled, so no invoice is exported."
    if invoice.created_at < since:
        return (f"{invoice.number} was created before the QuickBooks integration was enabled "
                f"({enabled_words(config, zone)}); hubwire never exports invoices from before then.")
    if invoice.status == InvoiceStatus.DRAFT:
        return f"{invoice.number} is a draft: it is exported once it is issued."
    if invoice.status == InvoiceStatus.VOID:
        return f"{invoice.number} is void and was never exported, so there is nothing to send."
    return ""
