import time

from celery import shared_task

from hubwire.webhooks.delivery import run_once


@shared_task(name="hubwire.webhooks.dispatch")
def dispatch(max_seconds: float = 20.0) -> int:
    """Send due deliveries, batch after batch, until none is due or the time is up (beat and every
    commit that made deliveries wake it; several can run at once, each on its own claims)."""
    deadline, sent = time.monotonic() + max_seconds, 0
    while time.monotonic() < deadline:
        count = run_once()
        if not count:
            break
        sent += count
    return sent
