"""The Google Calendar tab's own actions (Sync Now, the business's choices, the Sync section that
refreshes itself while a read is under way) and the appointment page's Google Calendar card with its
Send / Retry button. Connect, Reconnect and Disconnect are the framework's (integrations/views.py).

Sync Now and the card's button may be used by any member: they send or read what the business's
choices already say, and change no choice; the choices are the owners' and admins'. Another
workspace's appointment is a 404."""

from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.tenancy import get_scoped
from hubwire.crm.models import Appointment
from hubwire.integrations.google_calendar import setup
from hubwire.integrations.google_calendar.appointment_card import TEMPLATE as CARD
from hubwire.integrations.google_calendar.appointment_card import CannotSend, appointment_retry, card_context
from hubwire.integrations.google_calendar.config import KEY, connection_of
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.views import page_context

SECTION = "google_calendar/_sync.html"


def _tab():
    return redirect("integrations:tab", key=KEY)


def _section(request, **said):
    context = setup.sync_context(request.workspace)
    if not setup.is_shown(context["connection"]):
        raise Http404("Google Calendar is not connected in this workspace.")
    return render(request, SECTION, {"tab": {**context, **said}})


@require_POST
@workspace_required
def sync_now(request):
    try:
        setup.sync_now(workspace=request.workspace)
    except setup.NotConnected as exc:
        if request.htmx and setup.is_shown(connection_of(request.workspace)):
            return _section(request, error=str(exc))  # 200: htmx swaps in only 2xx answers
        flash.error(request, str(exc))
        return _tab()
    if request.htmx:  # the section comes back saying it is reading, and refreshes itself until done
        return _section(request)
    flash.success(request, "Reading Google Calendar's changes now; the result shows under Sync.")
    return _tab()


@require_GET
@workspace_required
def sync_section(request):
    """The tab's Sync section alone, which polls it while a read is under way. When the read it was
    waiting for has finished, the whole page region comes back instead (htmx retargets it), so that
    the sync panel, the status card and the counts show the same new state as the section."""
    if request.htmx and request.GET.get("until") == "read" and not setup.reading(request.workspace):
        if not setup.is_shown(connection_of(request.workspace)):
            raise Http404("Google Calendar is not connected in this workspace.")
        response = render(request, "integrations/page.html#state", page_context(request, PROVIDERS[KEY]))
        response["HX-Retarget"] = "#integrations"
        response["HX-Reswap"] = "innerHTML"
        return response
    return _section(request)


@require_POST
@workspace_required(manage=True)
def choices(request):
    provider = PROVIDERS[KEY]
    try:
        setup.choices_save(workspace=request.workspace, actor=request.user, data=request.POST)
    except FieldError as exc:
        tab = {**provider.tab_context(request.workspace), "choice_errors": exc.errors, "posted": request.POST}
        return render(request, "integrations/page.html", page_context(request, provider, tab_context=tab), status=422)
    flash.success(request, "Google Calendar choices saved.")
    return _tab()


def _card(request, appointment: Appointment, **said):
    context = card_context(appointment, **said)
    if context is None:
        raise Http404("Google Calendar has never been connected in this workspace.")
    return render(request, CARD, {**context, "object": appointment})


@require_GET
@workspace_required
def appointment_card(request, appointment_id: int):
    return _card(request, get_scoped(Appointment, request.workspace, appointment_id))


@require_POST
@workspace_required
def appointment_send(request, appointment_id: int):
    appointment = get_scoped(Appointment, request.workspace, appointment_id)
    if card_context(appointment) is None:
        raise Http404("Google Calendar has never been connected in this workspace.")
    try:
        said = {"notice": appointment_retry(appointment)}
    except CannotSend as exc:
        said = {"error": str(exc)}
    if request.htmx:
        return _card(request, appointment, **said)  # an error too is a 200: htmx swaps in only 2xx answers
    (flash.success if "notice" in said else flash.error)(request, next(iter(said.values())))
    return redirect("crm:detail", key="appointments", pk=appointment.pk)
