"""The Google Calendar tab's context: the connection, the business's choices, the last read of the
calendar (Sync Now shows its result) and what waits."""

from __future__ import annotations

from hubwire.integrations.google_calendar import ledger, pull
from hubwire.integrations.google_calendar.config import IMPORT_CHOICES, KEY, config_of, connection_of
from hubwire.sync.models import SyncPass, SyncRun, SyncStatus
from hubwire.jobs.models import JobStatus


def tab_context(workspace) -> dict:
    connection = connection_of(workspace)
    last = SyncRun.objects.filter(workspace=workspace, provider=KEY, what="events").order_by("-started_at").first()
    return {
        "connection": connection,
        "config": config_of(connection),
        "import_choices": IMPORT_CHOICES,
        "last_read": last,
        "reading": SyncPass.objects.filter(workspace=workspace, provider=KEY, name=pull.NAME,
                                           status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists(),
        "waiting": ledger.rows(workspace).filter(status=SyncStatus.PENDING).count(),
        "failed": ledger.rows(workspace).filter(status=SyncStatus.FAILED).count(),
    }
