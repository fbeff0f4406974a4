"""Intuit's limits per company (providers.md §2.5, blogs.intuit.com/2016/08/08/idg-concurrent-api-use-
changes-coming-soon; batch: blogs.intuit.com/2023/07/19/building-smarter-with-intuit-batch-without-a-scratch):
500 requests a minute per realm (batch requests included), 40 batch requests a minute, 10 requests in
flight at once per app and realm; past any of them, 429 ThrottleExceeded.

Each limit is a setting (read when used, so a test or a benchmark can scale them down):
HUBWIRE_SANDBOX_QBO_REQUESTS_PER_MINUTE, HUBWIRE_SANDBOX_QBO_BATCHES_PER_MINUTE,
HUBWIRE_SANDBOX_QBO_CONCURRENT_REQUESTS, and HUBWIRE_SANDBOX_QBO_BATCH_ITEMS (30 operations a batch).
Minutes are those of the sandbox clock, so a test moves past a limit by moving the clock."""

from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import F

from hubwire.sandbox import clock
from hubwire.sandbox.quickbooks.models import Company, Usage

DEFAULTS = {"REQUESTS_PER_MINUTE": 500, "BATCHES_PER_MINUTE": 40, "CONCURRENT_REQUESTS": 10, "BATCH_ITEMS": 30}


def limit(name: str) -> int:
    return int(getattr(settings, f"HUBWIRE_SANDBOX_QBO_{name}", DEFAULTS[name]))


class Throttled(Exception):
    pass


def count_request(realm_id: str, *, batch: bool) -> None:
    """Count one request in this minute of the realm, or raise Throttled when it is one too many."""
    minute = clock.now().replace(second=0, microsecond=0)
    with transaction.atomic(using="sandbox"):
        usage, _ = Usage.objects.get_or_create(realm_id=realm_id, minute=minute)
        counted = Usage.objects.filter(pk=usage.pk, requests__lt=limit("REQUESTS_PER_MINUTE"))
        if batch:
            counted = counted.filter(batches__lt=limit("BATCHES_PER_MINUTE"))
        if not counted.update(requests=F("requests") + 1, batches=F("batches") + (1 if batch else 0)):
            raise Throttled()


@contextmanager
def in_flight(realm_id: str):
    """Hold one of the realm's concurrent-request places while a request is answered."""
    taken = Company.objects.filter(realm_id=realm_id, in_flight__lt=limit("CONCURRENT_REQUESTS")).update(
        in_flight=F("in_flight") + 1)
    if not taken:
        raise Throttled()
    try:
        yield
    finally:
        Company.objects.filter(realm_id=realm_id).update(in_flight=F("in_flight") - 1)
