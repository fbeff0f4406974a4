import time

from celery import shared_task

from hubwire.webhooks.delivery import run_once

# After its last find a dispatcher keeps looking this long (wake-ups are coalesced, see fanout).
LINGER = 1.0
POLL = 0.05


@shared_task(name="hubwire.webhooks.dispatch")
def dispatch(max_seconds: float = 20.0) -> int:
    """Send due deliveries, batch after batch, until none has been due for LINGER seconds or the
    time is up (then it queues its successor if there was still work). Beat and commits that made
    deliveries wake it; several can run at once, each on its own claims."""
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
