"""The Workspace's periodic work for each connected workspace: the users mirror is read again every
HUBWIRE_GOOGLE_WORKSPACE_REFRESH_MINUTES (60 by default), for changes made in the Google Admin console."""

from __future__ import annotations

from hubwire.integrations.google_workspace.api import setting
from hubwire.sync.models import Trigger
from hubwire.sync.registry import schedule_handler
from hubwire.sync.rules import Every, ScheduleSpec

REFRESH = "google_workspace.refresh"


def specs() -> tuple[ScheduleSpec, ...]:
    return (ScheduleSpec(REFRESH, "Read the domain's users from Google Workspace", Every(setting("REFRESH_MINUTES", 60))),)


@schedule_handler(REFRESH)
def refresh(schedule) -> str:
    from hubwire.integrations.google_workspace import users
    from hubwire.integrations.google_workspace.config import ready_connection

    if ready_connection(schedule.workspace) is None:
        return "Nothing to do until a super admin of Google Workspace is connected."
    users.queue(schedule.workspace, trigger=Trigger.SCHEDULE)
    return "queued a read of the domain's users"
