"""hubwire's calendar clock: what schedules call "now".

In production it is the real time and costs nothing. With the built-in sandbox on, the sandbox's
"move the clock" controls may shift it forward (core.models.ClockShift), so that the export due on
the 5th can be seen to run on the 2nd; only schedules read it, never token expiry or signatures."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    real = timezone.now()
    if not settings.HUBWIRE_SANDBOX:
        return real
    from hubwire.core.models import ClockShift

    shift = ClockShift.objects.values_list("seconds", flat=True).first()
    return real + timedelta(seconds=shift) if shift else real


def shift_by(seconds: float) -> None:
    """Move the calendar clock on (the sandbox's controls only)."""
    from hubwire.core.models import ClockShift

    row, _ = ClockShift.objects.get_or_create(pk=1)
    ClockShift.objects.filter(pk=row.pk).update(seconds=row.seconds + seconds)
