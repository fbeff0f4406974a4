"""How long events are kept (hubwire.retention). An event goes with its handler runs, so it stays
while any of them is still to run; the webhooks app adds its own need (webhooks/retention.py)."""

from django.db.models import Exists, OuterRef

from hubwire.events.models import Event, HandlerRun
from hubwire.jobs.models import OPEN_STATUSES
from hubwire.retention.registry import retain

retain(Event, age_field="occurred_at", setting="HUBWIRE_KEEP_EVENTS_DAYS",
       still_needed=Exists(HandlerRun.objects.filter(event=OuterRef("pk"), status__in=OPEN_STATUSES)))
