"""How long inbound provider events and finished sync jobs are kept (hubwire.retention). Age counts
from when a job finished, so one not yet processed (pending, or running) is never pruned."""

from django.db.models import Q

from hubwire.integrations.models import InboundEvent, MeetingSync
from hubwire.jobs.models import OPEN_STATUSES
from hubwire.retention.registry import retain

retain(InboundEvent, age_field="finished_at", setting="HUBWIRE_KEEP_INBOUND_EVENTS_DAYS",
       still_needed=Q(status__in=OPEN_STATUSES))
retain(MeetingSync, age_field="finished_at", setting="HUBWIRE_KEEP_FINISHED_JOBS_DAYS",
       still_needed=Q(status__in=OPEN_STATUSES))
