"""The invoice export's own pages and actions, under /integrations/quickbooks/invoices/: Sync All
Invoices on the tab (and its section, refreshed while an export is under way), and the card on an
invoice's page with its Export now button.

Any member of the workspace may use them: they send what the business's QuickBooks choices already
say to send, and change no choice (connecting and the choices are the owners' and admins'). Another
workspace's invoice is a 404."""

from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.tenancy import get_scoped
from hubwire.crm.models import Invoice
from hubwire.integrations.models import Connection
from hubwire.integrations.quickbooks.config import config_of
from hubwire.integrations.quickbooks.invoice_card import card_context
from hubwire.integrations.quickbooks.invoice_ledger import PROVIDER, export_connection
from hubwire.integrations.quickbooks.invoices import NotNow, invoice_export_now, invoices_export_all, section_context
from hubwire.sync.models import Trigger

TAB = "integrations:tab"
CARD = "quickbooks/invoice_card.html"


@require_POST
@workspace_required
def sync_all(request):
    if export_connection(request.workspace) is None:
        flash.error(request, "Connect QuickBooks and enable its invoice export first.")
    else:
        invoices_export_all(request.workspace, trigger=Trigger.BUTTON)
        flash.success(request, "Exporting every unsynced invoice to QuickBooks; its progress shows under Sync.")
    return redirect(TAB, key=PROVIDER)


@require_GET
@workspace_required
def section(request):
    """The tab's invoices section on its own (it polls itself while an export is under way)."""
    connection = Connection.objects.filter(workspace=request.workspace, provider=PROVIDER, mode="").first()
    if connection is None:
        raise Http404("QuickBooks has never been connected in this workspace.")
    tab = {"connection": connection, "config": config_of(connection), "invoices": section_context(connection)}
    return render(request, "quickbooks/_invoices.html", {"tab": tab})


def _card(request, invoice: Invoice, **said):
    context = card_context(invoice, **said)
    if context is None:
        raise Http404("QuickBooks has never been connected in this workspace.")
    return render(request, CARD, {**context, "object": invoice})


@require_GET
@workspace_required
def invoice_card(request, invoice_id: int):
    return _card(request, get_scoped(Invoice, request.workspace, invoice_id))


@require_POST
@workspace_required
def invoice_export(request, invoice_id: int):
    invoice = get_scoped(Invoice, request.workspace, invoice_id)
    try:
        said = {"notice": invoice_export_now(invoice=invoice)}
    except NotNow as exc:
        said = {"error": str(exc)}
    if request.htmx:
        return _card(request, invoice, **said)
    (flash.success if "notice" in said else flash.error)(request, next(iter(said.values())))
    return redirect("crm:detail", key="invoices", pk=invoice.pk)
