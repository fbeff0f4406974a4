"""Failures a test asks of the next Directory calls (control.py): an error answered instead of the
call (workspace-fail-next: nothing changes), or the call applied and answered late
(workspace-slow-next: Google acted, and a client with a shorter timeout never hears so)."""

from django.db import transaction

from hubwire.sandbox.google_workspace.errors import QUOTA_MESSAGES, DirectoryError
from hubwire.sandbox.google_workspace.models import InjectedFailure

# What Google answers under load (providers.md §5 "Quotas"), the statuses each reason comes with.
FAILURES = {"userRateLimitExceeded": (403,), "quotaExceeded": (403,), "rateLimitExceeded": (403, 429),
            "backendError": (500, 503)}


def fail_next(*, count: int, status: int, reason: str, method: str = "", path_contains: str = "") -> InjectedFailure:
    if reason not in FAILURES:
        raise ValueError(f"reason must be one of {', '.join(FAILURES)}")
    if status not in FAILURES[reason]:
        raise ValueError(f"status {status} does not come with {reason} (it comes as {FAILURES[reason]})")
    if count < 1:
        raise ValueError("count must be 1 or more")
    return InjectedFailure.objects.create(status=status, reason=reason, method=method.upper(),
                                          path_contains=path_contains, remaining=count)


def slow_next(*, seconds: float, method: str = "", path_contains: str = "") -> InjectedFailure:
    if not 0 < seconds <= 600:
        raise ValueError("seconds must be more than 0 and at most 600")
    return InjectedFailure.objects.create(delay_seconds=seconds, method=method.upper(), path_contains=path_contains)


def take(method: str, path: str) -> InjectedFailure | None:
    """The first failure waiting for this call, counted down; None when there is none."""
    with transaction.atomic(using="sandbox"):
        for failure in InjectedFailure.objects.filter(remaining__gt=0).order_by("id"):
            if failure.method in ("", method) and failure.path_contains in path:
                InjectedFailure.objects.filter(pk=failure.pk).update(remaining=failure.remaining - 1)
                return failure
    return None


def error_of(failure: InjectedFailure) -> DirectoryError:
    return DirectoryError(failure.status, QUOTA_MESSAGES[failure.reason], failure.reason)
