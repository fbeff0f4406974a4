"""The SMS tab's connect part: choosing what sends (the account's numbers and Messaging Services,
listed from Twilio) and the sender's inbound message URL (Twilio's current setting, and "Set it for
me"). Pasting the Account SID and Auth Token, and Disconnect, are the framework's
(integrations/views.py). Only owners and admins choose or set anything; another workspace's
connection is never in reach, since each view acts on the signed-in workspace's own."""

from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.twilio import sender as senders
from hubwire.integrations.twilio import setup
from hubwire.integrations.twilio.config import KEY, active_connection
from hubwire.integrations.views import page_context

CHOICE = "twilio/_sender_choice.html"
INBOUND = "twilio/_inbound_state.html"


def _tab():
    return redirect("integrations:tab", key=KEY)


def _connected(request):
    connection = active_connection(request.workspace)
    if connection is None:
        raise Http404("Twilio is not connected in this workspace.")
    return connection


def _listed(connection) -> dict:
    """The account's senders for the chooser, or why Twilio could not list them."""
    try:
        return {"senders": senders.account_senders(connection)}
    except senders.TWILIO_FAILURES as exc:
        return {"senders_error": f"Twilio could not list your numbers and Messaging Services: {exc}"}


def _page(request, status: int = 200, **tab):
    provider = PROVIDERS[KEY]
    context = page_context(request, provider, tab_context=setup.tab_context(request.workspace, **tab))
    return render(request, "integrations/page.html", context, status=status)


@require_http_methods(["GET", "POST"])
@workspace_required(manage=True)
def sender(request):
    """GET: the chooser, listing the account's senders (alone for the tab's htmx, else in the page).
    POST: choose one (a refusal shows the chooser again, 422, naming the field)."""
    if request.method == "POST":
        try:
            config = senders.sender_choose(workspace=request.workspace, actor=request.user, data=request.POST)
        except FieldError as exc:
            connection = active_connection(request.workspace)
            listed = _listed(connection) if connection is not None else {}
            return _page(request, status=422, choice_errors=exc.errors, posted=request.POST, **listed)
        set_too = " Its inbound message URL now points at hubwire." if config.set_inbound_url else ""
        flash.success(request, f"Texts are sent from {config.sender_label} ({config.sender}).{set_too}")
        return _tab()
    listed = _listed(_connected(request))
    if request.htmx:
        response = render(request, CHOICE, {"tab": setup.tab_context(request.workspace, **listed)})
    else:
        response = _page(request, **listed)
    patch_vary_headers(response, ["HX-Request"])  # one URL, two answers: a cache must keep them apart
    return response


@require_safe
@workspace_required
def inbound_state(request):
    """Whether Twilio posts the sender's inbound texts to this connection's URL, read from Twilio now
    (loaded into the tab by htmx; any member may see it)."""
    connection = _connected(request)
    try:
        state = {"state": senders.inbound_url_state(connection)}
    except senders.NotReady as exc:
        state = {"error": str(exc)}
    except senders.TWILIO_FAILURES as exc:
        state = {"error": f"hubwire could not read Twilio's setting: {exc}"}
    return render(request, INBOUND, {"tab": setup.tab_context(request.workspace), **state})


@require_POST
@workspace_required(manage=True)
def inbound_url_set(request):
    """"Set it for me": Twilio is told to post the sender's inbound texts to this connection's URL."""
    try:
        config = senders.inbound_url_set(workspace=request.workspace, actor=request.user)
    except senders.NotReady as exc:
        flash.error(request, str(exc))
    except senders.TWILIO_FAILURES as exc:
        flash.error(request, f"Twilio did not take the inbound URL: {exc}")
    else:
        flash.success(request, f"Twilio now posts the texts {config.sender_label} receives to hubwire.")
    return _tab()
