"""From committed events to Delivery rows: the outbox relay, run by the dispatcher's loop.

emit() only appends the event (and wakes the dispatcher once it commits); choosing the endpoints
that want it and writing one Delivery per endpoint happen here, in a worker, a batch of events at
a time. So a request that changes something pays for one event row whatever the number of
endpoints, and the endpoints are read once per batch instead of once per event. An event is
fanned out exactly once: the batch is claimed (row locks, skipping those another dispatcher holds)
and marked in the transaction that writes its deliveries."""

from collections import defaultdict

from django.db import transaction

from hubwire.events.models import Event
from hubwire.webhooks.models import Delivery, Endpoint
from hubwire.webhooks.payloads import body_for
from hubwire.webhooks.signing import new_webhook_id

BATCH = 500


def fan_out_pending(limit: int = BATCH) -> int:
    """Write the deliveries of up to `limit` committed events not yet fanned out, oldest first.
    Returns how many events it took."""
    # Looked at first without a transaction: the dispatcher polls this while it lingers, and on
    # SQLite every transaction takes the database's one write lock (BEGIN IMMEDIATE).
    if not Event.objects.filter(fanned_out=False).exists():
        return 0
    with transaction.atomic():
        events = list(Event.objects.select_for_update(skip_locked=True).filter(fanned_out=False)
                      .order_by("occurred_at")[:limit])
        if not events:
            return 0
        # Only what choosing and shaping needs: loading whole endpoints would decrypt every secret.
        wanting = defaultdict(list)
        for endpoint in Endpoint.objects.filter(
                workspace_id__in={event.workspace_id for event in events}, enabled=True).order_by("pk").values_list(
                "pk", "workspace_id", "preset", "event_types", "created_at", named=True):
            wanting[endpoint.workspace_id].append(endpoint)
        Delivery.objects.bulk_create([
            Delivery(workspace_id=event.workspace_id, endpoint_id=endpoint.pk, event=event, event_type=event.type,
                     webhook_id=new_webhook_id(), body=body_for(endpoint.preset, event).decode())
            for event in events for endpoint in wanting[event.workspace_id] if wants(endpoint, event)],
            batch_size=BATCH)
        Event.objects.filter(pk__in=[event.pk for event in events]).update(fanned_out=True)
    return len(events)


def wants(endpoint, event) -> bool:
    """An endpoint gets the types it asked for (all when it named none), from events that happened
    after it was added: one added while the worker was down is not sent the backlog."""
    return (not endpoint.event_types or event.type in endpoint.event_types) and endpoint.created_at <= event.occurred_at
