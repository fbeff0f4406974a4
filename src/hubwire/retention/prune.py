"""One prune pass over every declared table: delete the expired rows that nothing still needs,
a bounded batch per transaction, so no statement locks a table for long and each batch costs the
same however large the table has grown (it reads the oldest rows through the age field's index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections, router, transaction

from hubwire.retention.registry import RETAINED, Retained

# Ids per DELETE: small enough that a batch holds SQLite's one write lock for milliseconds, far
# below the 32,766 bound variables SQLite allows per statement (sqlite.org/limits.html §9).
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Pruned:
    """What one pass did (or, in a dry run, would do) to one table."""

    label: str
    setting: str
    days: int
    rows: int
    dry_run: bool
    table_missing: bool = False

    def __str__(self) -> str:
        where = f"{self.label} ({self.setting}={self.days})"
        if self.table_missing:
            return f"{where}: no table in this database yet, nothing to prune"
        if self.days == 0:
            return f"{where}: kept forever"
        verb = "would delete" if self.dry_run else "deleted"
        return f"{where}: {verb} {self.rows:,} row{'' if self.rows == 1 else 's'} older than {self.days} day{'' if self.days == 1 else 's'}"


def prune(*, now: datetime, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> list[Pruned]:
    """Prune every declared table as of `now`; in a dry run only count what would go."""
    return [prune_table(declaration, now=now, dry_run=dry_run, batch_size=batch_size)
            for declaration in RETAINED.values()]


def prune_table(declaration: Retained, *, now: datetime, dry_run: bool, batch_size: int) -> Pruned:
    days = declaration.keep_days()
    result = dict(label=declaration.label, setting=declaration.setting, days=days, dry_run=dry_run)
    database = router.db_for_write(declaration.model)
    if not _table_exists(declaration.model, database):
        # An app whose database is migrated only while it is switched on has no table until then.
        return Pruned(**result, rows=0, table_missing=True)
    if days == 0:
        return Pruned(**result, rows=0)
    expired = expired_rows(declaration, cutoff=now - timedelta(days=days), database=database)
    if dry_run:
        return Pruned(**result, rows=expired.count())
    deleted = 0
    while True:
        with transaction.atomic(using=database):
            batch = list(oldest_ids(expired, declaration, batch_size))
            if batch:
                # The conditions again in the DELETE: a row resent since the SELECT is not deleted.
                # Only the ids are loaded for Django's cascade, never the bodies.
                deleted += expired.filter(pk__in=batch).only("pk").delete()[1].get(declaration.label, 0)
        if len(batch) < batch_size:
            return Pruned(**result, rows=deleted)


def oldest_ids(expired, declaration: Retained, limit: int):
    """The next batch: the oldest expired ids, read in order straight off the age field's index."""
    return expired.order_by(declaration.age_field).values_list("pk", flat=True)[:limit]


def expired_rows(declaration: Retained, *, cutoff: datetime, database: str):
    rows = declaration.model._base_manager.using(database).filter(**{f"{declaration.age_field}__lt": cutoff})
    for condition in declaration.still_needed():
        rows = rows.filter(~condition)
    return rows


def _table_exists(model, database: str) -> bool:
    with connections[database].cursor() as cursor:
        return model._meta.db_table in connections[database].introspection.table_names(cursor)
