"""What the sync panel shows for one provider in one workspace."""

from __future__ import annotations

from django.db.models import Count

from hubwire.jobs.models import JobStatus
from hubwire.sync.models import RunOutcome, Schedule, SyncPass, SyncRecord, SyncRun, SyncStatus
from hubwire.sync.registry import RETRY_HANDLERS, label_of
from hubwire.sync.rules import zone_of

# The rows needing someone that the panel lists; the counts above them cover the rest.
ATTENTION_LIMIT = 20
# The latest passes the panel lists (the retention keeps 90 days of them; the audit log has the rest).
RECENT_RUNS = 5


def sync_panel(workspace, provider: str) -> dict | None:
    """Last sync, the ledger's counts, the rows that failed or were removed with a Retry where the
    provider registered one, and the schedules; None when the provider has none of these yet."""
    records = SyncRecord.objects.filter(workspace=workspace, provider=provider)
    counts = dict(records.order_by().values_list("status").annotate(n=Count("id")))
    schedules = list(Schedule.objects.filter(workspace=workspace, provider=provider).order_by("title"))
    runs = SyncRun.objects.filter(workspace=workspace, provider=provider).order_by("-started_at", "-id")
    recent = list(runs.exclude(outcome=RunOutcome.RUNNING)[:RECENT_RUNS])
    last_run = recent[0] if recent else None
    passes = list(SyncPass.objects.filter(workspace=workspace, provider=provider,
                                          status__in=[JobStatus.PENDING, JobStatus.RUNNING]).order_by("created_at")[:10])
    if not (counts or schedules or last_run or passes):
        return None
    attention = records.filter(status__in=[SyncStatus.FAILED, SyncStatus.REMOVED]).order_by("-updated_at")
    zone = zone_of(workspace)
    return {
        "provider": provider,
        "last_run": last_run,
        "recent_runs": recent,
        "running": runs.filter(outcome=RunOutcome.RUNNING).exists(),
        "passes": passes,
        "synced": counts.get(SyncStatus.SYNCED, 0),
        "pending": counts.get(SyncStatus.PENDING, 0),
        "failed": counts.get(SyncStatus.FAILED, 0) + counts.get(SyncStatus.REMOVED, 0),
        "attention": [{"record": record, "label": label_of(record),
                       "can_retry": (record.provider, record.kind) in RETRY_HANDLERS}
                      for record in attention[:ATTENTION_LIMIT]],
        "schedules": [{"schedule": s, "rule": s.rule.words(zone)} for s in schedules],
    }
