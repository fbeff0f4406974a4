"""The appointment page's meeting card (refreshed by htmx while pending) and its Retry button."""

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.tenancy import get_scoped
from hubwire.crm.models import Appointment
from hubwire.integrations.meetings.services import meeting_link_request
from hubwire.sync.models import Trigger


@workspace_required
def meeting(request, appointment_id: int):
    appointment = get_scoped(Appointment, request.workspace, appointment_id)
    return render(request, "integrations/meeting_card_page.html", {"appointment": appointment})


@require_POST
@workspace_required
def meeting_retry(request, appointment_id: int):
    appointment = get_scoped(Appointment, request.workspace, appointment_id)
    if meeting_link_request(appointment=appointment, retry=True, trigger=Trigger.BUTTON) is None:
        flash.error(request, "This appointment is not held on a video service, so there is no meeting to retry.")
    if request.htmx:
        return render(request, "integrations/meeting_card_page.html", {"appointment": appointment})
    return redirect("crm:detail", key="appointments", pk=appointment.pk)
