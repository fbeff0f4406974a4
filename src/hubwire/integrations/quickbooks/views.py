"""The QuickBooks tab's own actions: the Enable switch, the business's choices, and Intuit's
Disconnect URL. Connect, Disconnect and the pasted credentials are the framework's (integrations/views.py)."""

from django.contrib import messages as flash
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.integrations.quickbooks import setup
from hubwire.integrations.quickbooks.intuit_disconnect import intuit_disconnect_check
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.views import page_context

FLASH_BY_COLOUR = {"green": flash.info, "grey": flash.warning, "red": flash.error, "unknown": flash.warning}


def _tab():
    return redirect("integrations:tab", key=setup.KEY)


@require_POST
@workspace_required(manage=True)
def enable(request):
    wanted = {"1": True, "0": False}.get(request.POST.get("enabled", ""))
    if wanted is None:  # the switch always sends one of them; only a forged form lands here
        return HttpResponseBadRequest("enabled: send 1 (on) or 0 (off).")
    if wanted:
        setup.quickbooks_enable(workspace=request.workspace, actor=request.user)
        words = "QuickBooks is on. Invoices created from now on can be exported; older ones never are."
    else:
        paused = setup.quickbooks_disable(workspace=request.workspace, actor=request.user)
        words = ("QuickBooks is off: " + ("its scheduled export is paused and " if paused else "")
                 + "nothing is sent to QuickBooks until you turn it on again. The connection is kept.")
    if not request.htmx:  # htmx follows the redirect and swaps in the tab, whose switch and notice say it
        flash.success(request, words)
    return _tab()


@require_POST
@workspace_required(manage=True)
def choices(request):
    provider = PROVIDERS[setup.KEY]
    try:
        setup.choices_save(workspace=request.workspace, actor=request.user, data=request.POST)
    except FieldError as exc:
        tab = {**provider.tab_context(request.workspace), "choice_errors": exc.errors, "posted": request.POST}
        return render(request, "integrations/page.html", page_context(request, provider, tab_context=tab), status=422)
    flash.success(request, "QuickBooks choices saved.")
    return _tab()


@require_safe
@workspace_required
def disconnected(request):
    """Intuit's Disconnect URL. Any member may land here (whoever disconnected in QuickBooks); what
    changes follows Intuit's answer about this workspace's own connection, never the request."""
    outcome = intuit_disconnect_check(workspace=request.workspace)
    FLASH_BY_COLOUR[outcome.colour](request, outcome.words)
    return _tab()
