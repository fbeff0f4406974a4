"""Connecting Google Calendar (and the safety pass): the pass "google_calendar.start" watches the
calendar, queues the appointments already booked in hubwire's window that have no event yet, and
reads the calendar. Run in a worker, since it calls Google."""

from __future__ import annotations

from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.integrations.google_calendar import ledger, pull, push, watch
from hubwire.integrations.google_calendar.config import KEY, active_connection
from hubwire.integrations.google_calendar.window import window_now
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.sync.models import SyncStatus, Trigger
from hubwire.sync.passes import queue_pass
from hubwire.sync.registry import pass_handler

NAME = "google_calendar.start"
TITLE = "Start syncing with Google Calendar"
CHUNK = 500


def queue(workspace, *, trigger: str = Trigger.CONNECT):
    return queue_pass(workspace, KEY, NAME, title=TITLE, trigger=trigger)


@pass_handler(NAME)
def start(sync_pass) -> str:
    workspace = sync_pass.workspace
    connection = active_connection(workspace)
    if connection is None:
        return "Google Calendar is not connected."
    try:
        watching = watch.keep_open(connection)
    except NeedsReconnect as exc:
        return f"waiting: {exc}"
    queued = queue_booked(workspace, trigger=sync_pass.trigger)
    pull.queue(workspace, trigger=sync_pass.trigger)
    if ledger.rows(workspace).filter(status=SyncStatus.PENDING).exists():  # new ones, and what waited for a reconnect
        push.queue(workspace, trigger=sync_pass.trigger)
    return f"{watching}; {queued} appointment(s) queued to be sent"


def queue_booked(workspace, *, trigger: str) -> int:
    """Rows for the scheduled appointments in the window that have none (a chunk at a time)."""
    low, high = window_now()
    known = ledger.rows(workspace).exclude(local_id=None).values("local_id")
    booked = Appointment.objects.filter(workspace=workspace, status=AppointmentStatus.SCHEDULED, end__gt=low,
                                        start__lt=high).exclude(pk__in=known).order_by("pk")
    count, after = 0, 0
    while chunk := list(booked.filter(pk__gt=after)[:CHUNK]):
        for appointment in chunk:
            ledger.wait_for_push(appointment, trigger=trigger)
        count += len(chunk)
        after = chunk[-1].pk
    return count
