"""`append`: insert new rows through statements compiled once per model, several in one round trip.

Every change writes two rows beside itself: its event (events/outbox.py) and its timeline line
(crm/handlers.py). Through `Model.save()` each costs Django's compile of a fresh INSERT (about as
long as the database takes to run it) plus a round trip on PostgreSQL for the id it returns. Both
rows are append-only and nothing listens to their saves, so they are written here: the column list
and the statement are built once, and each call only converts its values, the way the ORM does
(`pre_save` fills `auto_now` fields, `get_db_prep_save` adapts each value to the backend).
bench/webhooks.py measures what it saves.

What it does not do, by design: send `pre_save`/`post_save` signals, run validation, or read back an
id the database assigns (an auto-increment primary key stays None on the object; give the model a
primary key set in Python, as Event's UUID, where the caller needs it).
"""

from django.db import connections, router

_statements: dict[tuple[str, type], tuple[str, list]] = {}


def _statement(model, connection) -> tuple[str, list]:
    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.local_concrete_fields if not (f.primary_key and f.db_returning)]
    unfit = [f.name for f in fields if getattr(f, "generated", False) or hasattr(f, "get_placeholder_sql")
             or f.has_db_default()]
    if unfit:  # each needs the ORM's compiler; use save() for this model
        raise TypeError(f"append() cannot write {model.__name__}.{', '.join(unfit)}")
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    return sql, fields


def _bound(obj, alias: str, connection) -> tuple[str, list]:
    """`obj`'s INSERT and its values, converted as the ORM converts them."""
    key = (alias, type(obj))
    if key not in _statements:
        _statements[key] = _statement(type(obj), connection)
    sql, fields = _statements[key]
    return sql, [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]


def append(*objs) -> None:
    """Insert each object as a new row, in the caller's transaction, in the order given. On
    PostgreSQL the rows of one call go in one round trip: psycopg binds the values client-side
    (Django's default cursor), so one query may carry several statements. SQLite takes one statement
    per call, and a call costs it no round trip."""
    by_alias: dict[str, list] = {}
    for obj in objs:
        by_alias.setdefault(router.db_for_write(type(obj), instance=obj), []).append(obj)
    for alias, group in by_alias.items():
        connection = connections[alias]
        statements = [_bound(obj, alias, connection) for obj in group]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("; ".join(sql for sql, _ in statements), [v for _, values in statements for v in values])
            else:
                for sql, values in statements:
                    cursor.execute(sql, values)
        for obj in group:
            obj._state.adding, obj._state.db = False, alias
