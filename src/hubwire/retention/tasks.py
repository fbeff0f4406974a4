from celery import shared_task
from django.utils import timezone

from hubwire.jobs.periodic import periodic
from hubwire.retention.prune import prune


@shared_task(name="hubwire.retention.prune")
def prune_expired() -> int:
    """Beat's hourly pass: an hour's worth of expired rows is a few batches."""
    return sum(pruned.rows for pruned in prune(now=timezone.now()))


# Hourly, so each pass deletes about an hour's worth of expired rows.
periodic("retention-prune", task="hubwire.retention.prune", every=3600)
