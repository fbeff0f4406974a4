"""Google Calendar's per-user quota (providers.md §3.4, developers.google.com/workspace/calendar/api/
guides/quota): 600 requests a minute per user, a sliding window; past it Google answers
rateLimitExceeded in the usageLimits domain, as a 403 or a 429 (the docs say either may come).

Both are settings, read when used so that a test or a benchmark can change them:
HUBWIRE_SANDBOX_GOOGLE_CALENDAR_REQUESTS_PER_MINUTE (600) and
HUBWIRE_SANDBOX_GOOGLE_CALENDAR_RATE_LIMIT_STATUS (403 or 429; 403 by default).

The sliding window is kept as per-second buckets of the sandbox clock: a request is allowed when the
buckets of the 60 seconds ending with its own second hold fewer than the limit. So the window slides a
second at a time (exact to the second, where Google's own granularity is not published), and a test
moves past the limit by moving the sandbox clock. A refused request is not counted: a client that
keeps retrying gets through again as soon as the oldest counted requests leave the window."""

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Sum
from django.http import JsonResponse

from hubwire.core.number_settings import number_setting
from hubwire.sandbox import clock
from hubwire.sandbox.google_calendar.errors import google_error
from hubwire.sandbox.google_calendar.models import Calendar, UserRequests
from hubwire.sandbox.hooks import reset_tables

WINDOW_SECONDS = 60
DEFAULT_REQUESTS_PER_MINUTE = 600  # "Per minute per user per project: 600" (providers.md §3.4)
REFUSAL_STATUSES = (403, 429)

reset_tables(UserRequests)


def requests_per_minute() -> int:
    return number_setting("HUBWIRE_SANDBOX_GOOGLE_CALENDAR_REQUESTS_PER_MINUTE", DEFAULT_REQUESTS_PER_MINUTE)


def refusal_status() -> int:
    status = number_setting("HUBWIRE_SANDBOX_GOOGLE_CALENDAR_RATE_LIMIT_STATUS", 403)
    if status not in REFUSAL_STATUSES:
        raise ImproperlyConfigured(
            f"HUBWIRE_SANDBOX_GOOGLE_CALENDAR_RATE_LIMIT_STATUS is {status}; Google answers 403 or 429.")
    return status


def count_request(calendar: Calendar) -> JsonResponse | None:
    """Count one request of the calendar's user; None when it is allowed, else Google's refusal."""
    second = int(clock.now().timestamp())
    oldest = second - WINDOW_SECONDS + 1
    with transaction.atomic(using="sandbox"):
        # One user's requests are counted one at a time (the row lock on PostgreSQL, the IMMEDIATE
        # transaction on SQLite), so two requests at once can never both take the last place.
        Calendar.objects.select_for_update().only("pk").get(pk=calendar.pk)
        bucket, created = UserRequests.objects.get_or_create(user_id=calendar.user_id, second=second)
        if created:
            UserRequests.objects.filter(user_id=calendar.user_id, second__lt=oldest).delete()
        counted = UserRequests.objects.filter(user_id=calendar.user_id, second__gte=oldest, second__lte=second)
        if (counted.aggregate(total=Sum("requests"))["total"] or 0) >= requests_per_minute():
            return google_error(refusal_status(), "Rate Limit Exceeded", "rateLimitExceeded", domain="usageLimits")
        UserRequests.objects.filter(pk=bucket.pk).update(requests=F("requests") + 1)
    return None
