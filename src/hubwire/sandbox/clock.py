"""The sandbox's notion of now: the real time plus an offset, or, once frozen, one fixed instant
(a test hook, so that what happens "within one second" does not depend on the machine's speed)."""

from datetime import datetime, timedelta

from django.utils import timezone

from hubwire.sandbox.models import Clock


def now() -> datetime:
    clock = Clock.objects.first()
    if clock is None:
        return timezone.now()
    if clock.frozen_at is not None:
        return clock.frozen_at
    return timezone.now() + timedelta(seconds=clock.offset_seconds)


def advance(seconds: float) -> None:
    clock, _ = Clock.objects.get_or_create(pk=1)
    if clock.frozen_at is not None:
        clock.frozen_at += timedelta(seconds=seconds)
    else:
        clock.offset_seconds += seconds
    clock.save()


def freeze(frozen: bool) -> None:
    """Stop the clock at the sandbox's current now, or let it run on from where it stands."""
    current = now()
    clock, _ = Clock.objects.get_or_create(pk=1)
    clock.frozen_at = current if frozen else None
    clock.offset_seconds = (current - timezone.now()).total_seconds()
    clock.save()
