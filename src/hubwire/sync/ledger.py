"""The ledger's algorithm, shared by every provider that mirrors CRM objects.

What each pass does with one ledger row, whatever the provider:
- **lease**: a worker claims the row for a short while before calling the provider, so two workers
  never act on one pair at once (the second is told to come back, it does not fail);
- **create once**: a create carries the row's marker (QuickBooks `requestid`, a Google client-chosen
  id, Zoom's agenda line); when a create may have happened unseen (a timeout after sending), the
  next pass looks the marker up and adopts what it finds before creating anything anew;
- **send only what changed**: `synced` holds what the provider last accepted, so an update carries
  the fields that differ and an object already in step costs no call at all.

Provider calls happen outside any long transaction; each write here is one short UPDATE of the
fields named, so the lease, which belongs to whoever holds it, is never overwritten by a save."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from hubwire.jobs.models import RetryLater
from hubwire.sync.models import SyncRecord

# Longer than one provider call with its retries can take (HUBWIRE_HTTP_TIMEOUT × attempts).
LEASE = timedelta(minutes=2)
BUSY_RETRY_SECONDS = 3.0


def new_marker() -> str:
    return secrets.token_hex(8)


def record_save(record: SyncRecord, **changes) -> None:
    """Write only these fields (and updated_at)."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.save(update_fields=[*changes, "updated_at"])


def changed_fields(record: SyncRecord, wanted: dict) -> dict:
    """The fields of `wanted` that differ from what the provider last accepted."""
    return {key: value for key, value in wanted.items() if record.synced.get(key) != value}


def in_step(record: SyncRecord, wanted: dict) -> bool:
    return record.status == "synced" and not changed_fields(record, wanted)


@contextmanager
def leased(record: SyncRecord, *, lease: timedelta = LEASE) -> Iterator[SyncRecord]:
    """Hold the row's lease while the body calls the provider; RetryLater when another worker holds it."""
    now = timezone.now()
    claimed = SyncRecord.objects.filter(pk=record.pk).filter(Q(busy_until=None) | Q(busy_until__lt=now)) \
        .update(busy_until=now + lease)
    if not claimed:
        raise RetryLater(f"another worker is changing this {record.kind} right now", after_seconds=BUSY_RETRY_SECONDS)
    try:
        yield record
    finally:
        SyncRecord.objects.filter(pk=record.pk).update(busy_until=None)
        record.busy_until = None


# --- many rows at once (a pass over thousands: two queries per chunk, not one per row) ------------

# Each claim's lease ends at a time of its own, which is how the rows it got are read back (the row
# keeps no owner): a spread of a minute makes two claims ending at the same microsecond unlikely enough.
_LEASE_SPREAD_MICROSECONDS = 60_000_000


@contextmanager
def leased_many(ids, *, lease: timedelta = LEASE) -> Iterator[list[int]]:
    """Lease the free rows among `ids` for the body; yields the ids this worker got, in id order (those
    another worker holds are left out, for its pass to finish). Released at the end, also when the body raises."""
    ids = list(ids)
    until = timezone.now() + lease + timedelta(microseconds=secrets.randbelow(_LEASE_SPREAD_MICROSECONDS))
    free = Q(busy_until=None) | Q(busy_until__lt=timezone.now())
    SyncRecord.objects.filter(pk__in=ids).filter(free).update(busy_until=until)
    mine = list(SyncRecord.objects.filter(pk__in=ids, busy_until=until).order_by("pk").values_list("pk", flat=True))
    try:
        yield mine
    finally:
        SyncRecord.objects.filter(pk__in=mine, busy_until=until).update(busy_until=None)


@dataclass(frozen=True)
class Created:
    """What create_once found or made: the provider's object, the fields it holds now, and how."""

    remote: Any
    synced: dict
    adopted: bool

    def outcome(self, noun: str) -> str:
        return f"adopted the {noun} a timed-out create had made" if self.adopted else "created"


def create_once(record: SyncRecord, *, wanted: dict, find: Callable[[str], tuple[Any, dict] | None],
                create: Callable[[dict], Any]) -> Created:
    """Create the provider object for a row that has none, never twice.

    `find(marker)` returns (object, its current fields) or None; it is asked only when an earlier create
    may have succeeded unseen. `create(wanted)` makes the object. The caller stores the external id."""
    if record.create_started_at:
        found = find(record.marker)
        if found is not None:
            remote, fields = found
            return Created(remote, fields, adopted=True)
    record_save(record, create_started_at=timezone.now())
    return Created(create(wanted), dict(wanted), adopted=False)
