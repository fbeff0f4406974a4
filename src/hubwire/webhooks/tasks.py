import logging
import time

from celery import shared_task
from django.db import transaction

from hubwire.webhooks.delivery import run_once

log = logging.getLogger(__name__)

# After its last find a dispatcher keeps looking this long (wake-ups are coalesced, see wake_dispatcher).
LINGER = 1.0
POLL = 0.05


@shared_task(name="hubwire.webhooks.dispatch")
def dispatch(max_seconds: float = 20.0) -> int:
    """Write the deliveries of committed events and send due deliveries, batch after batch, until
    none has been due for LINGER seconds or the time is up (then it queues its successor if there
    was still work). Beat and commits that made events or deliveries wake it; several can run at
    once, each on its own claims."""
    deadline, sent, idle_since = time.monotonic() + max_seconds, 0, None
    while time.monotonic() < deadline:
        count = run_once()
        if count:
            sent, idle_since = sent + count, None
            continue
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since >= LINGER:
            return sent
        time.sleep(POLL)
    if idle_since is None:
        dispatch.delay()
    return sent


def on_emit(event) -> None:
    """emit()'s hook: nothing is written in the caller's transaction (fanout.py does it in the
    dispatcher); the dispatcher is woken once the event commits."""
    transaction.on_commit(wake_dispatcher)


# One wake-up per process per WAKE_EVERY seconds is enough: the dispatcher it wakes keeps looking
# for LINGER seconds after its last find, so an event committed in between is picked up by it. At
# 200 events/s this saves ~200 broker messages a second.
WAKE_EVERY = 0.2
_last_wake = 0.0


def wake_dispatcher() -> None:
    global _last_wake
    now = time.monotonic()
    if now - _last_wake < WAKE_EVERY:
        return
    _last_wake = now
    try:
        dispatch.delay()
    except Exception as exc:  # broker down: the events are safe and wait for beat's next dispatch tick
        log.warning("could not wake the webhook dispatcher (%s); beat will", exc)
