from datetime import timedelta

from django.utils import timezone

from hubwire.sandbox.models import Clock


def now():
    clock = Clock.objects.first()
    return timezone.now() + timedelta(seconds=clock.offset_seconds if clock else 0)


def advance(seconds: float) -> None:
    clock, _ = Clock.objects.get_or_create(pk=1)
    clock.offset_seconds += seconds
    clock.save()
