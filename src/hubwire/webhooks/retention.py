"""How long the Webhooks Manager keeps its logs (hubwire.retention). A delivery still pending or
being sent is kept, and so is its event (deleting the event would cascade to the delivery), and so
is an event not yet fanned out to its deliveries."""

from django.db.models import Exists, OuterRef, Q

from hubwire.events.models import Event
from hubwire.retention.registry import keep_while, retain
from hubwire.webhooks.models import Attempt, Delivery, DeliveryStatus, InboundRequest

IN_FLIGHT = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])

retain(Attempt, age_field="started_at", setting="HUBWIRE_KEEP_WEBHOOK_ATTEMPTS_DAYS")
retain(Delivery, age_field="created_at", setting="HUBWIRE_KEEP_WEBHOOK_DELIVERIES_DAYS", still_needed=IN_FLIGHT)
keep_while(Event, Exists(Delivery.objects.filter(IN_FLIGHT, event=OuterRef("pk"))))
keep_while(Event, Q(fanned_out=False))  # its deliveries are still to be written (fanout.py)
retain(InboundRequest, age_field="received_at", setting="HUBWIRE_KEEP_INBOUND_HOOK_REQUESTS_DAYS")
