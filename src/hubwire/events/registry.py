"""Handlers per event type. A handler runs in a worker, after commit, once per event.

Handlers are registered by name, and the name is stored on each HandlerRun row so that a worker
started later (or on another host) can find the function again.
"""

from collections.abc import Callable

from hubwire.jobs.registry import job_handler

ALL = "*"
Handler = Callable[["Event"], None]  # noqa: F821

HANDLERS: dict[str, Handler] = {}
SUBSCRIPTIONS: dict[str, list[str]] = {}
WANTED: dict[str, Callable[["Event"], bool]] = {}  # noqa: F821


def on(*event_types: str, name: str, wanted: Callable[["Event"], bool] | None = None):  # noqa: F821
    """Decorator: run this function for each event of these types ("*" for every type).

    `wanted(event)`, when given, is asked by emit() in the change's own transaction whether the
    handler has anything to do with this event; when it answers False no run is made, so the
    change writes no HandlerRun row and sends no broker message (bench/webhooks.py: a run costs a
    change several times its own write on the SQLite broker). For checks the handler makes first
    anyway and that are cheap (one indexed query at most), typically "is the integration connected
    and on". The handler still makes them when it runs, as things may change in between; what a
    skipped run would have done must be caught up when the answer turns (a connect pass does)."""

    def decorator(func: Handler) -> Handler:
        if name in HANDLERS and HANDLERS[name] is not func:
            raise ValueError(f"handler name {name!r} is used twice")
        HANDLERS[name] = func
        if wanted is not None:
            WANTED[name] = wanted
        for event_type in event_types:
            SUBSCRIPTIONS.setdefault(event_type, []).append(name)
        return func

    return decorator


def handlers_for(event_type: str) -> list[str]:
    return list(dict.fromkeys(SUBSCRIPTIONS.get(event_type, []) + SUBSCRIPTIONS.get(ALL, [])))


def runs_for(event) -> list[str]:
    """The handlers that get a run for this new event: those subscribed to its type that want it."""
    return [name for name in handlers_for(event.type) if name not in WANTED or WANTED[name](event)]


@job_handler("events.handlerrun")
def run_handler(run) -> None:
    """A HandlerRun row's work (events.models.HandlerRun): its handler, looked up by the stored name."""
    HANDLERS[run.handler](run.event)
