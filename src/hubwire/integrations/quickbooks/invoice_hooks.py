"""Where the invoice export plugs into the rest of hubwire (imported at start-up by quickbooks/tasks.py):
invoice events, the sync panel's label and Retry for an invoice row, the card on an invoice's page,
and picking up what waited when QuickBooks becomes connected again."""

from django.dispatch import receiver
from django.urls import reverse

from hubwire.crm.models import Invoice
from hubwire.crm.panels import record_panel
from hubwire.events.registry import on
from hubwire.integrations.quickbooks.config import quickbooks_on
from hubwire.integrations.quickbooks.invoice_card import invoice_panel_context
from hubwire.integrations.quickbooks.invoice_ledger import KIND, PROVIDER, export_connection
from hubwire.integrations.quickbooks.invoices import (
    NotNow,
    invoice_changed,
    invoice_export_now,
    invoices_waiting_resume,
)
from hubwire.integrations.signals import connection_activated
from hubwire.sync.registry import record_label, retry_handler

record_panel("invoices", template="quickbooks/invoice_card.html", context=invoice_panel_context, order=50)


@on("invoice.created", "invoice.sent", "invoice.updated", "invoice.voided", name="quickbooks.invoices",
    wanted=quickbooks_on)
def follow_invoice(event) -> None:
    connection = export_connection(event.workspace_id)  # asked again: it may have changed since the event
    if connection is None:
        return
    # The invoice as it is now, not as the event saw it: the pass sends the latest state.
    invoice = Invoice.objects.filter(pk=event.data["id"], workspace_id=event.workspace_id).first()
    if invoice is not None:
        invoice_changed(connection=connection, invoice=invoice)


@retry_handler(PROVIDER, KIND)
def retry_invoice(record) -> str:
    invoice = Invoice.objects.filter(pk=record.local_id, workspace_id=record.workspace_id).first()
    if invoice is None:
        return "This invoice no longer exists in hubwire, so there is nothing to export."
    try:
        return invoice_export_now(invoice=invoice)
    except NotNow as exc:
        return str(exc)


@record_label(PROVIDER, KIND)
def invoice_label(record) -> tuple[str, str]:
    invoice = Invoice.objects.select_related("account").filter(pk=record.local_id,
                                                               workspace_id=record.workspace_id).first()
    if invoice is None:
        return f"Invoice {record.local_id} (deleted in hubwire)", ""
    return f"Invoice {invoice.number}, {invoice.account.name}", reverse("crm:detail", args=["invoices", invoice.pk])


@receiver(connection_activated, dispatch_uid="quickbooks.invoices.resume")
def resume_invoices(sender, provider, connection, **kwargs) -> None:
    # Reconnecting sends the changes and exports that waited for it; new invoices still wait for their day.
    if provider.key == PROVIDER and export_connection(connection.workspace) is not None:
        invoices_waiting_resume(workspace=connection.workspace)
