"""Incremental positions (Google `syncToken`, QuickBooks CDC `changedSince`), advanced only by a pass
that finished cleanly, as Invoice Ninja does (architecture.md, "Syncing with a provider").

    with cursor_pass(workspace, "google_calendar", "events", run=run) as cursor:
        page = list_events(sync_token=cursor.position)   # None: read everything
        ...
        cursor.advance(page["nextSyncToken"])

An exception inside leaves the old position, so the next pass reads those changes again. When the
provider says the position is gone (Google answers 410 GONE), the provider's code raises CursorGone:
the position is cleared, the cursor and the run say that it started over and why, the exception
goes no further, and the next pass reads everything."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from hubwire.sync.models import SyncCursor, SyncRun

log = logging.getLogger(__name__)


class CursorGone(Exception):
    """The provider no longer knows the position it was given: read everything again."""


@dataclass
class CursorHandle:
    position: str | None
    new_position: str | None = None
    started_over: str = ""

    @property
    def full_sync(self) -> bool:
        return self.position is None

    def advance(self, position: str) -> None:
        """Where the next pass starts, kept only if this pass ends cleanly."""
        self.new_position = str(position)


@contextmanager
def cursor_pass(workspace, provider: str, resource: str, *, run: SyncRun | None = None) -> Iterator[CursorHandle]:
    row, _ = SyncCursor.objects.get_or_create(workspace=workspace, provider=provider, resource=resource)
    handle = CursorHandle(position=row.position or None)
    try:
        yield handle
    except CursorGone as exc:
        why = str(exc) or f"the provider no longer knew where hubwire had got to in its {resource}"
        SyncCursor.objects.filter(pk=row.pk).update(position="", started_over_at=timezone.now(),
                                                    started_over_reason=why)
        handle.started_over = why
        if run is not None:
            run.started_over = why
        return
    if handle.new_position is None:
        return
    # Compare-and-set: a pass that read the same position as another, finishing second, does not
    # move the cursor back behind what the first one stored.
    moved = SyncCursor.objects.filter(pk=row.pk, position=row.position).update(
        position=handle.new_position, advanced_at=timezone.now())
    if not moved:
        log.info("cursor %s %s moved by another pass meanwhile; keeping its position", provider, resource)
