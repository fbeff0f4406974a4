"""The Directory API's per-user quota (providers.md §5 "Quotas", developers.google.com/admin-sdk/
directory/v1/limits): 2,400 queries a minute per user per project; past it, 403 userRateLimitExceeded
in the usageLimits domain. The limit is the setting HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE,
read when used so that a test or a benchmark can change it.

The minute slides a second at a time on the sandbox clock: a request is allowed when the caller's
requests in the 60 seconds ending with its own second are fewer than the limit, so a test moves past
the limit by moving the clock. Each caller's counts are one row, locked while counting, so two
requests at once never both take the last place; a refused request is not counted."""

from django.db import transaction

from hubwire.core.number_settings import number_setting
from hubwire.sandbox import clock
from hubwire.sandbox.google_workspace.errors import QUOTA_MESSAGES, DirectoryError
from hubwire.sandbox.google_workspace.models import UserRequests

WINDOW_SECONDS = 60
DEFAULT_REQUESTS_PER_MINUTE = 2400  # "Queries per minute per user per project: 2,400" (the limits page)


def requests_per_minute() -> int:
    return number_setting("HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE", DEFAULT_REQUESTS_PER_MINUTE)


def count_request(email: str) -> None:
    """Count one request of this caller; DirectoryError (403 userRateLimitExceeded) past the limit."""
    second = int(clock.now().timestamp())
    oldest = second - WINDOW_SECONDS + 1
    with transaction.atomic(using="sandbox"):
        UserRequests.objects.get_or_create(email=email)
        row = UserRequests.objects.select_for_update().get(email=email)
        counts = {s: n for s, n in row.seconds.items() if oldest <= int(s) <= second}
        if sum(counts.values()) >= requests_per_minute():
            raise DirectoryError(403, QUOTA_MESSAGES["userRateLimitExceeded"], "userRateLimitExceeded")
        counts[str(second)] = counts.get(str(second), 0) + 1
        row.seconds = counts
        row.save(update_fields=["seconds"])
