"""Reads for the Webhooks Manager pages and the Webhooks tab."""

from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from hubwire.core.tenancy import scoped
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint, InboundHook, InboundOutcome, InboundRequest

HEALTH_WINDOW = timedelta(hours=24)


def endpoint_health(workspace, endpoint: Endpoint | None = None) -> dict[int, dict]:
    """Per endpoint (or for one): deliveries in the last 24 hours, how many of them failed, how many
    wait to be sent."""
    since = timezone.now() - HEALTH_WINDOW
    deliveries = scoped(Delivery, workspace)
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    # Two reads, each bounded by what it counts (the last 24 hours; what waits to be sent), never by
    # the endpoint's whole history: one scan of every delivery ever made grew with the years.
    health = {row["endpoint_id"]: {**row, "waiting": 0} for row in (
        deliveries.filter(created_at__gte=since).values("endpoint_id").order_by().annotate(
            recent=Count("pk"), failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED))))}
    for row in (deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])
                .values("endpoint_id").order_by().annotate(waiting=Count("pk"))):
        health.setdefault(row["endpoint_id"], {"endpoint_id": row["endpoint_id"], "recent": 0, "failed": 0})
        health[row["endpoint_id"]]["waiting"] = row["waiting"]
    return health


def health_of(endpoint: Endpoint, counts: dict | None) -> tuple[str, str]:
    """(colour, words) for an endpoint's badge: the same colours as the Integrations cards."""
    if not endpoint.enabled:
        return "red" if endpoint.disabled_reason else "grey", "Disabled"
    if endpoint.failing_since:
        return "orange", f"Failing since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC"
    if counts and counts["failed"]:
        return "orange", f"{counts['failed']} failed in 24 h"
    return "green", "Healthy"


def setup_state(workspace) -> dict:
    """What is set up and what is wrong with it, from the endpoint rows alone (cheap: the status card)."""
    endpoints = list(scoped(Endpoint, workspace).only("url", "enabled", "disabled_reason", "failing_since"))
    return {
        "endpoints": len(endpoints),
        "enabled": sum(e.enabled for e in endpoints),
        "disabled_by_hubwire": [e for e in endpoints if not e.enabled and e.disabled_reason],
        "failing": [e for e in endpoints if e.enabled and e.failing_since],
        "inbound_hooks": scoped(InboundHook, workspace).count(),
    }


def summary(workspace) -> dict:
    """setup_state plus the last 24 hours of traffic (the Webhooks tab)."""
    since = timezone.now() - HEALTH_WINDOW
    deliveries = scoped(Delivery, workspace).filter(created_at__gte=since).aggregate(
        total=Count("pk"), failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        delivered=Count("pk", filter=Q(status=DeliveryStatus.SUCCEEDED)))
    requests = InboundRequest.objects.filter(hook__workspace=workspace, received_at__gte=since).aggregate(
        total=Count("pk"), rejected=Count("pk", filter=Q(outcome=InboundOutcome.REJECTED)))
    return {**setup_state(workspace), "deliveries": deliveries, "inbound_requests": requests}


def hooks_with_last_request(workspace):
    """Inbound hooks, each annotated with its latest request's time and outcome (not its whole log)."""
    latest = InboundRequest.objects.filter(hook=OuterRef("pk")).order_by("-received_at", "-id")
    return scoped(InboundHook, workspace).annotate(last_at=Subquery(latest.values("received_at")[:1]),
                                                   last_outcome=Subquery(latest.values("outcome")[:1]))
