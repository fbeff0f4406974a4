"""Reading what changed in QuickBooks: the pass "quickbooks.changes", queued by Intuit's webhooks
(inbound.py) and every hour by a schedule, the safety net for a notification that never came.

It asks change data capture (CDC, providers.md §2.4) for the customers, invoices and payments changed
since the cursor, and for each:
- a customer or invoice hubwire links keeps its new SyncToken and the fields hubwire sends, so that
  hubwire's next update is not refused as stale (5010); one made inactive or deleted in QuickBooks is
  "removed" on the ledger, with why;
- a payment applied to an invoice hubwire exported marks that invoice paid in hubwire (payments.py).

The cursor is the time the last clean pass started; the next pass reads from a few minutes before it,
so a change committed while the pass ran is read again rather than missed (each object is handled
the same way however often it is read). CDC looks back 30 days at most, so a first pass, or one after
a month without a clean pass, starts 30 days back and says so on its run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hubwire.core import clock
from hubwire.integrations.http import ProviderError
from hubwire.integrations.quickbooks import payments
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.quickbooks.config import enabled_connection
from hubwire.integrations.quickbooks.errors import CUSTOMER_INACTIVE
from hubwire.jobs.models import RetryLater
from hubwire.sync.cursors import cursor_pass
from hubwire.sync.models import SyncRecord, SyncStatus, Trigger
from hubwire.sync.passes import progress, queue_pass
from hubwire.sync.registry import pass_handler, schedule_handler
from hubwire.sync.rules import Every, ScheduleSpec
from hubwire.sync.runs import sync_run

NAME = "quickbooks.changes"  # the pass and the schedule that queues it
TITLE = "Read changes from QuickBooks"
ENTITIES = ("Customer", "Invoice", "Payment")
SCHEDULE = ScheduleSpec(NAME, "Read changes from QuickBooks (in case a notification was missed)", Every(60))

# "changedSince … up to 30 days in the past"; "returns a maximum of 1000 objects" (change-data-capture page).
LOOKBACK = timedelta(days=30)
MAX_OBJECTS = 1000
# Starting a little later than 30 days back, so a pass that takes a while is not refused for asking too far.
LOOKBACK_MARGIN = timedelta(minutes=10)
# Changes committed in QuickBooks while the last pass was reading are read again, not missed.
OVERLAP = timedelta(minutes=5)
RETRY_SECONDS = 60.0

INVOICE_DELETED = "Deleted in QuickBooks, so hubwire no longer updates it there."
REMOVED_IN_QUICKBOOKS = (CUSTOMER_INACTIVE, INVOICE_DELETED)


def queue(workspace, *, trigger: str):
    return queue_pass(workspace, "quickbooks", NAME, title=TITLE, trigger=trigger)


@schedule_handler(NAME)
def on_schedule(schedule) -> str:
    if enabled_connection(schedule.workspace) is None:
        return "Nothing to read: QuickBooks is not connected, or the integration is turned off"
    queue(schedule.workspace, trigger=Trigger.SCHEDULE)
    return "Queued a read of QuickBooks' changes"


@pass_handler(NAME)
def run_pass(sync_pass) -> str:
    connection = enabled_connection(sync_pass.workspace)
    if connection is None:
        return "Nothing read: QuickBooks is not connected, or the integration is turned off"
    return changes_read(connection, trigger=sync_pass.trigger, sync_pass=sync_pass)


def _now() -> datetime:
    # The later of the real time and hubwire's calendar clock (core/clock.py), which the sandbox's "next
    # export day" moves on together with sandbox QuickBooks' own clock: QuickBooks' 30 days end at its
    # now. In production the two are one.
    return max(timezone.now(), clock.now())


def start_of(position: str | None, now: datetime) -> tuple[datetime, str]:
    """Where this pass reads from, and why it starts over ("" when it does not)."""
    earliest = now - LOOKBACK + LOOKBACK_MARGIN
    last = parse_datetime(position) if position else None
    if last is None:
        return earliest, ("the first read of QuickBooks' changes: QuickBooks keeps them for 30 days, so hubwire "
                          "read the last 30 days")
    if last - OVERLAP < earliest:
        return earliest, (f"hubwire last read QuickBooks' changes on {last:%Y-%m-%d %H:%M} UTC, more than 30 days "
                          "ago, and QuickBooks keeps them for 30 days only: hubwire read the last 30 days (a change "
                          "made before then and not since was missed)")
    # A position ahead of now (the sandbox's clock was moved on, then reset) reads from now: nothing
    # can have changed later than that.
    return min(last, now) - OVERLAP, ""


def changes_read(connection, *, trigger: str, sync_pass=None, now: datetime | None = None) -> str:
    workspace = connection.workspace
    now = now or _now()
    with sync_run(workspace=workspace, provider="quickbooks", what="changes", trigger=trigger) as run, \
            cursor_pass(workspace, "quickbooks", "changes", run=run) as cursor:
        since, started_over = start_of(cursor.position, now)
        run.started_over = started_over
        seen = 0
        try:
            with company_api(connection) as qbo:
                for kind, objects in change_pages(qbo, since, run):
                    HANDLERS[kind](connection, objects, run)
                    seen += len(objects)
                    if sync_pass is not None:
                        progress(sync_pass, done=seen)
        except ProviderError as exc:
            if exc.retryable:
                raise RetryLater(str(exc), after_seconds=exc.retry_after or RETRY_SECONDS) from exc
            raise
        cursor.advance(now.isoformat())
    return f"{seen} change(s) read from QuickBooks: {run.counts_in_words}"


def change_pages(qbo, since: datetime, run) -> Iterator[tuple[str, list[dict]]]:
    """Each kind's changed objects since `since`, an answer at a time. One CDC call for all three kinds
    is enough when it answers fewer than 1,000 objects; a full answer may have left some out (of the
    kind it stopped in, or of kinds after it), so each kind is then read on its own, from the time of
    its last object in the answer, until an answer comes back short."""
    found = qbo.changes(ENTITIES, since)
    complete = sum(len(objects) for objects in found.values()) < MAX_OBJECTS
    for kind in ENTITIES:
        objects = found[kind]
        if objects:
            yield kind, objects
        if complete:
            continue
        start = since
        while True:
            start = _read_on_from(objects, start, kind, run)
            objects = qbo.changes((kind,), start)[kind]
            if objects:
                yield kind, objects
            if len(objects) < MAX_OBJECTS:
                break


def _read_on_from(objects: list[dict], start: datetime, kind: str, run) -> datetime:
    """The time of the last object read: the next answer starts there (it repeats that second)."""
    times = [t for t in (_updated(o) for o in objects) if t is not None]
    if not times:
        return start
    last = max(times)
    if last <= start and len(objects) >= MAX_OBJECTS:
        # 1,000 changes within one second: CDC cannot page inside it, so move on a second.
        run.error(f"QuickBooks reported more than {MAX_OBJECTS} {kind} changes at {last:%Y-%m-%d %H:%M:%S}; "
                  "some of them may not have been read")
        return start + timedelta(seconds=1)
    return max(last, start)


def _updated(obj: dict) -> datetime | None:
    return parse_datetime(str((obj.get("MetaData") or {}).get("LastUpdatedTime") or ""))


# --- customers and invoices hubwire links ----------------------------------------------------------

def _gone(kind: str, obj: dict) -> str:
    """Why hubwire no longer updates this object in QuickBooks, or "" while it is there."""
    if obj.get("status") == "Deleted":
        return CUSTOMER_INACTIVE if kind == "Customer" else INVOICE_DELETED
    if kind == "Customer" and obj.get("Active") is False:
        return CUSTOMER_INACTIVE
    return ""


def _token(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def linked_changed(connection, objects: list[dict], run, *, kind: str) -> None:
    """Note each linked object's new SyncToken and the fields hubwire keeps of it, or mark it removed.
    One query reads the rows and one writes the changed ones. A row a worker is updating right now
    (leased) is left to it: it stores the SyncToken its own write gets."""
    latest: dict[str, dict] = {}
    for obj in objects:  # an object read twice (the overlap) counts once, at its latest
        known = latest.get(obj["Id"])
        if known is None or _token(obj.get("SyncToken")) >= _token(known.get("SyncToken")):
            latest[obj["Id"]] = obj
    now = timezone.now()
    rows = SyncRecord.objects.filter(workspace=connection.workspace, provider="quickbooks", kind=kind.lower(),
                                     external_id__in=list(latest)).filter(Q(busy_until=None) | Q(busy_until__lt=now))
    changed = []
    for row in rows:
        obj = latest[row.external_id]
        why = _gone(kind, obj)
        if why:
            if row.status == SyncStatus.REMOVED:
                continue
            row.status, row.reason = SyncStatus.REMOVED, why
            run.removed += 1
        elif row.status == SyncStatus.REMOVED and row.reason in REMOVED_IN_QUICKBOOKS:
            row.status, row.reason = SyncStatus.SYNCED, ""  # made active again in QuickBooks
            row.version, row.synced = obj.get("SyncToken", row.version), _noted(row.synced, obj)
            run.updated += 1
        elif _token(obj.get("SyncToken")) > _token(row.version):
            row.version, row.synced = obj["SyncToken"], _noted(row.synced, obj)
            run.updated += 1
        else:
            continue  # hubwire already knows this version (its own write, or read before)
        row.updated_at = now
        changed.append(row)
    SyncRecord.objects.bulk_update(changed, ["status", "reason", "version", "synced", "updated_at"], batch_size=500)


def _noted(synced: dict, obj: dict) -> dict:
    """The snapshot with QuickBooks' current value of each field hubwire keeps in it: the next update
    then sends what hubwire wants and QuickBooks does not have, not a diff against an older version."""
    return {**synced, **{key: obj[key] for key in synced if key in obj}}


HANDLERS = {
    "Customer": lambda connection, objects, run: linked_changed(connection, objects, run, kind="Customer"),
    "Invoice": lambda connection, objects, run: linked_changed(connection, objects, run, kind="Invoice"),
    "Payment": payments.payments_changed,
}
