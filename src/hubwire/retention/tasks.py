from celery import shared_task
from django.utils import timezone

from hubwire.retention.prune import prune


@shared_task(name="hubwire.retention.prune")
def prune_expired() -> int:
    """Beat's hourly pass: an hour's worth of expired rows is a few batches."""
    return sum(pruned.rows for pruned in prune(now=timezone.now()))
