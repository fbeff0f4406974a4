"""The sync panel's Retry: one view for every provider and kind; the provider's retry handler does it."""

from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.tenancy import get_scoped
from hubwire.sync.models import SyncRecord, SyncStatus
from hubwire.sync.registry import RETRY_HANDLERS
from hubwire.sync.selectors import sync_panel


@require_POST
@workspace_required
def retry(request, record_id: int):
    record = get_scoped(SyncRecord, request.workspace, record_id)
    handler = RETRY_HANDLERS.get((record.provider, record.kind))
    if handler is None:
        raise Http404("Nothing can retry this item.")
    if record.status in (SyncStatus.FAILED, SyncStatus.REMOVED):
        notice = handler(record)
    else:  # pressed twice, or retried from another tab meanwhile: already on its way
        notice = "This item is already being synced again."
    if request.htmx:  # the panel again, saying what happened (a flash would wait for the next page)
        return render(request, "sync/_panel.html", {"sync": sync_panel(request.workspace, record.provider),
                                                    "notice": notice})
    flash.success(request, notice)
    return redirect(reverse("integrations:tab", args=[record.provider]))
