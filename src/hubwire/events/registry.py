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


def on(*event_types: str, name: str):
    """Decorator: run this function for each event of these types ("*" for every type)."""

    def decorator(func: Handler) -> Handler:
        if name in HANDLERS and HANDLERS[name] is not func:
            raise ValueError(f"handler name {name!r} is used twice")
        HANDLERS[name] = func
        for event_type in event_types:
            SUBSCRIPTIONS.setdefault(event_type, []).append(name)
        return func

    return decorator


def handlers_for(event_type: str) -> list[str]:
    return list(dict.fromkeys(SUBSCRIPTIONS.get(event_type, []) + SUBSCRIPTIONS.get(ALL, [])))


@job_handler("events.handlerrun")
def run_handler(run) -> None:
    """A HandlerRun row's work (events.models.HandlerRun): its handler, looked up by the stored name."""
    HANDLERS[run.handler](run.event)
