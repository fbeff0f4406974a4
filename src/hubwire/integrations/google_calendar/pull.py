"""Google → hubwire (issue 19, item 3): the pass "google_calendar.pull" reads what changed on the
calendar since the last clean pass, with Google's syncToken (sync.cursors), and applies each event
(apply.py). Queued by a push notification (inbound.py), by Sync Now, on connect, and by the periodic
safety pass (schedule.py), for a notification that never came.

When Google answers 410 (the token expired), the cursor starts over and a full read follows at
once: every event is matched to its ledger row by id (or by the hubwire id it carries), so reading
everything again makes no duplicate. A full read also cancels the appointments whose events are no
longer there (deleted while hubwire was not listening)."""

from __future__ import annotations

import httpx

from hubwire.integrations.google_calendar import fields as f
from hubwire.integrations.google_calendar import ledger, push
from hubwire.integrations.google_calendar.api import calendar_api
from hubwire.integrations.google_calendar.apply import Reading, apply_event, cancelled_in_google, lay_out
from hubwire.integrations.google_calendar.config import KEY, active_connection, config_of
from hubwire.integrations.google_calendar.recurrence import series_of
from hubwire.integrations.google_calendar.window import window_now
from hubwire.integrations.health import record_failure, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.jobs.models import RetryLater
from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.sync.cursors import cursor_pass
from hubwire.sync.models import SyncStatus, Trigger
from hubwire.sync.passes import progress, queue_pass
from hubwire.sync.registry import pass_handler
from hubwire.sync.runs import sync_run

NAME = "google_calendar.pull"
TITLE = "Read changes from Google Calendar"
RESOURCE = "events"
RETRY_SECONDS = 30.0
BUSY_RETRY_SECONDS = 3.0


def queue(workspace, *, trigger: str):
    return queue_pass(workspace, KEY, NAME, title=TITLE, trigger=trigger)


@pass_handler(NAME)
def pull(sync_pass) -> str:
    workspace = sync_pass.workspace
    connection = active_connection(workspace)
    with sync_run(workspace=workspace, provider=KEY, what="events", trigger=sync_pass.trigger) as run:
        if connection is None:
            why = ledger.waiting_reason(workspace)
            run.wait(why)
            return why
        reading = Reading(workspace=workspace, config=config_of(connection), run=run, window=window_now(connection))
        provider = PROVIDERS[KEY]
        try:
            with calendar_api(connection) as cal, cursor_pass(workspace, KEY, RESOURCE, run=run) as cursor:
                full, seen, page_token, read = cursor.full_sync, set(), None, 0
                while True:
                    page = cal.list_events(sync_token=cursor.position, page_token=page_token,
                                           **({"showDeleted": "true"} if full else {}))
                    items = page.get("items") or []
                    reading.known = f.known_emails(workspace, items)
                    for event in items:
                        apply_event(reading, event)
                        seen.add(event["id"])
                    read += len(items)
                    progress(sync_pass, done=read)
                    page_token = page.get("nextPageToken")
                    if not page_token:
                        break
                if reading.busy:  # some rows were being written: keep the position, read these changes again
                    raise RetryLater("a change was being sent to Google meanwhile; reading again shortly",
                                     after_seconds=BUSY_RETRY_SECONDS)
                if full:
                    _gone_while_away(reading, seen)
                cursor.advance(page["nextSyncToken"])
        except NeedsReconnect as exc:
            run.wait(str(exc))
            return f"waiting: {exc}"
        except (ProviderError, httpx.HTTPError) as exc:
            record_failure(provider, connection, str(exc))
            if getattr(exc, "retryable", True):
                raise RetryLater(f"Google Calendar did not answer ({exc}); trying again shortly",
                                 after_seconds=getattr(exc, "retry_after", None) or RETRY_SECONDS) from None
            raise
        record_success(connection)
    if cursor.started_over:
        queue(workspace, trigger=sync_pass.trigger)  # 410: read everything now, not at the next push
    if reading.push_wanted:
        push.queue(workspace, trigger=Trigger.CHANGE)
    return ("started over: " + cursor.started_over) if cursor.started_over else run.counts_in_words


def _gone_while_away(reading: Reading, seen: set) -> None:
    """After a full read: events hubwire links that Google no longer listed were deleted meanwhile."""
    rows = ledger.rows(reading.workspace).exclude(external_id="").exclude(status=SyncStatus.PENDING)
    for row in rows.iterator(chunk_size=500):
        if row.synced.get("cancelled") or row.external_id in seen:
            continue
        series = series_of(row.external_id)
        if series and series in seen and not row.synced.get("exception"):
            continue  # an occurrence of a series Google still has (laid out from it)
        appointment = Appointment.objects.filter(pk=row.local_id, status=AppointmentStatus.SCHEDULED).first()
        if appointment is not None:
            cancelled_in_google(reading, row, appointment)


def lay_out_series_again(workspace) -> int:
    """As the window moves on, each series gets its next occurrences (no call to Google)."""
    connection = active_connection(workspace)
    if connection is None:
        return 0
    count = 0
    with sync_run(workspace=workspace, provider=KEY, what="recurring events", trigger=Trigger.SCHEDULE) as run:
        reading = Reading(workspace=workspace, config=config_of(connection), run=run, window=window_now(connection))
        for row in ledger.rows(workspace, ledger.SERIES).iterator(chunk_size=200):
            if not row.synced.get("cancelled"):
                lay_out(reading, row)
                count += 1
    return count
