"""How long sync runs and finished scheduled runs are kept (hubwire.retention). A provider's ledger
rows are its state and are kept while their objects exist; runs are the story of each pass, and the
schedule row keeps its last run and outcome however old."""

from django.db.models import Q

from hubwire.jobs.models import OPEN_STATUSES
from hubwire.retention.registry import retain
from hubwire.sync.models import RunOutcome, ScheduledRun, SyncPass, SyncRun

retain(SyncRun, age_field="started_at", setting="HUBWIRE_KEEP_SYNC_RUNS_DAYS",
       still_needed=Q(outcome=RunOutcome.RUNNING))
retain(ScheduledRun, age_field="finished_at", setting="HUBWIRE_KEEP_FINISHED_JOBS_DAYS",
       still_needed=Q(status__in=OPEN_STATUSES))
retain(SyncPass, age_field="finished_at", setting="HUBWIRE_KEEP_FINISHED_JOBS_DAYS",
       still_needed=Q(status__in=OPEN_STATUSES))
