"""Work other apps add to the jobs tick (e.g. the sync app turning due schedules into job rows),
registered by them, so that jobs, the lower layer, imports none of them."""

from collections.abc import Callable

TICK_HOOKS: list[Callable[[], object]] = []


def on_tick(func: Callable[[], object]) -> Callable[[], object]:
    """Decorator: call this on every tick, before the tick re-sends due jobs (so rows it makes are sent)."""
    if func not in TICK_HOOKS:
        TICK_HOOKS.append(func)
    return func
