"""Each sender's queue (providers.md §6.1, twilio.com/docs/errors/30001 and /21611): a US long code
sends 1 segment a second, in the order messages were queued; a message that would wait longer than
the queue limit (4 hours) is refused at create with 21611 when sent From a bare number, and fails
later with 30001 when sent through a Messaging Service, whose numbers share the work.

Both are settings, read when used so a test or a benchmark can change them:
HUBWIRE_SANDBOX_TWILIO_SEGMENTS_PER_SECOND (1) and HUBWIRE_SANDBOX_TWILIO_QUEUE_LIMIT_SECONDS (14400:
4 hours, as the 21611 and 30001 pages said; a newer copy of the 21611 page says 10 hours).

All on the sandbox clock: a message's whole progression is planned when it is created, as steps
[instant, status, error code] that delivery.py applies once they are due."""

from datetime import datetime, timedelta

from django.db import transaction

from hubwire.core.number_settings import number_setting
from hubwire.sandbox.twilio.models import FailureRule, Message, PhoneNumber, Service

DEFAULT_SEGMENTS_PER_SECOND = 1.0  # US long code (providers.md §6.1)
DEFAULT_QUEUE_LIMIT_SECONDS = 4 * 3600
# How long the handset takes to confirm a sent message: Twilio publishes no figure [U].
DELIVERY_RECEIPT_DELAY = timedelta(seconds=1)


def segments_per_second() -> float:
    return number_setting("HUBWIRE_SANDBOX_TWILIO_SEGMENTS_PER_SECOND", DEFAULT_SEGMENTS_PER_SECOND)


def queue_limit() -> timedelta:
    return timedelta(seconds=number_setting("HUBWIRE_SANDBOX_TWILIO_QUEUE_LIMIT_SECONDS",
                                            float(DEFAULT_QUEUE_LIMIT_SECONDS)))


def sending_time(segments: int) -> timedelta:
    return timedelta(seconds=segments / segments_per_second())


def reserve(sender: PhoneNumber, segments: int, now: datetime) -> datetime | None:
    """Put `segments` at the end of the sender's queue: the instant it starts sending them, or None
    (nothing reserved) when that is further away than the queue limit. The row is locked, so two
    messages created at once never get one slot."""
    with transaction.atomic(using="sandbox"):
        locked = PhoneNumber.objects.select_for_update().get(pk=sender.pk)
        start = max(now, locked.queue_free_at or now)
        if start - now > queue_limit():
            return None
        locked.queue_free_at = start + sending_time(segments)
        locked.save(update_fields=["queue_free_at"])
    return start


def pool_sender(service: Service, to: str, now: datetime) -> PhoneNumber | None:
    """The number of the Service that sends to `to`: the one that sent to it before while the Service
    keeps a sticky sender (Twilio's default), else the one whose queue frees first."""
    pool = list(service.numbers.filter(sms=True).order_by("id"))
    if service.sticky_sender:
        earlier = (Message.objects.filter(service=service, to=to, sender__in=pool).exclude(direction="inbound")
                   .order_by("-id").values_list("sender_id", flat=True).first())
        for number in pool:
            if number.pk == earlier:
                return number
    return min(pool, key=lambda number: (max(number.queue_free_at or now, now), number.pk), default=None)


def failure_for(to: str) -> tuple[str, int] | None:
    """The status and error code a test asked the next message to `to` to end with (one is used up)."""
    with transaction.atomic(using="sandbox"):
        rule = FailureRule.objects.select_for_update().filter(to=to, remaining__gt=0).order_by("id").first()
        if rule is None:
            return None
        rule.remaining -= 1
        rule.save(update_fields=["remaining"])
    return rule.status, rule.error_code


def steps(*, now: datetime, start: datetime, segments: int, via_service: bool,
          failure: tuple[str, int] | None) -> list[list]:
    """What happens to a queued message: (queued, once a Service has given it a sender,) sending when
    its sender reaches it, sent once its last segment has left, then delivered, or the failure asked
    for: undelivered after sent, failed instead of sent."""
    planned = [[now, "queued", None]] if via_service else []
    planned.append([start, "sending", None])
    left = start + sending_time(segments)
    if failure and failure[0] == "failed":
        return [*planned, [left, "failed", failure[1]]]
    planned.append([left, "sent", None])
    ending = failure or ("delivered", None)
    return [*planned, [left + DELIVERY_RECEIPT_DELAY, ending[0], ending[1]]]


def overflow_steps(now: datetime) -> list[list]:
    """A Service's message no sender could take within the limit: it fails with 30001 when it has
    waited that long."""
    return [[now + queue_limit(), "failed", 30001]]
