from django.shortcuts import render

from hubwire.core.decorators import workspace_required
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.events import catalog
from hubwire.events.models import Event


@workspace_required
def event_list(request):
    events = scoped(Event, request.workspace).prefetch_related("handler_runs")
    chosen = request.GET.get("type", "")
    if chosen:
        events = events.filter(type=chosen)
    return render(request, "events/list.html", {"events": events[:100], "types": sorted(catalog.CATALOG), "chosen": chosen})


@workspace_required
def event_detail(request, pk):
    event = get_scoped(Event, request.workspace, pk)
    return render(request, "events/detail.html", {"event": event, "runs": event.handler_runs.all()})
