"""`emit`: record an event in the caller's transaction; its handlers run in a worker after commit."""

from django.db import connection
from pydantic import BaseModel

from hubwire.core.append import append
from hubwire.events import catalog
from hubwire.events.models import Event, HandlerRun
from hubwire.events.registry import runs_for
from hubwire.jobs.runner import enqueue


class InvalidEventData(ValueError):
    pass


# Called with each new event inside emit()'s transaction, before its row is written. A hook returns
# the rows to write beside the event (the activity timeline's line), which are appended with it in
# one round trip and so commit or roll back with the change itself; or None (the Webhooks Manager's
# wake-up after commit). Only for cheap local work, since every change pays for it: work that calls
# out or may fail is a handler (registry.on), run by a worker, and work done per endpoint is fanned
# out from committed events by a worker (webhooks/fanout.py).
EMIT_HOOKS: list = []


def emit(*, workspace, type: str, data: dict | BaseModel, actor: str = "") -> Event:
    """Record an event. Must run inside the transaction that made the change it describes, so that
    a rolled-back change leaves no event and no handler ever runs for it. `data` is a dict checked
    against the type's schema, or an instance of the type's own data model (already checked when
    it was built: the write path pays for one check, not two)."""
    if not connection.in_atomic_block:
        raise RuntimeError("emit() must be called inside transaction.atomic() with the change it records")
    event_type = catalog.get(type)
    if isinstance(data, event_type.data_model):
        data = data.model_dump(mode="json")
    else:
        errors = sorted(event_type.validator.iter_errors(data), key=lambda e: list(e.path))
        if errors:
            raise InvalidEventData(f"{type}: {errors[0].message} at {list(errors[0].path)}")
    event = Event(workspace=workspace, type=type, version=event_type.version, data=data, actor=actor)
    beside = [row for hook in EMIT_HOOKS for row in hook(event) or ()]
    append(event, *beside)  # every change pays for these rows: precompiled INSERTs, one round trip (core/append.py)
    for name in runs_for(event):
        enqueue(HandlerRun.objects.create(event=event, handler=name))
    return event


