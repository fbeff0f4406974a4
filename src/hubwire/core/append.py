"""`append`: insert a new row through a statement compiled once per model.

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


def append(obj) -> None:
    """Insert `obj` as a new row, in the caller's transaction (one query)."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    key = (alias, model)
    if key not in _statements:
        _statements[key] = _statement(model, connection)
    sql, fields = _statements[key]
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    obj._state.adding, obj._state.db = False, alias
