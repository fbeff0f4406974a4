"""Google's error answers in words a business owner can act on, for every Google API hubwire
speaks (Calendar and the Workspace Directory share the envelope, providers.md §3.4 and §5):
{"error": {"code": 403, "message": "…", "errors": [{"domain", "reason", "message"}]}}. The reason,
not the status, says what happened: a 403 may be a rate limit (retry) or a missing permission (don't)."""

import httpx

from hubwire.integrations.http import ProviderProblem, explained, json_object

SLOW_DOWN = ("Google is limiting how fast hubwire may call it. hubwire will try again shortly.", True)
# 410 on an incremental list: the change cursor must start over (a full sync), not be retried as is.
START_OVER = ("Google's record of changes since hubwire's last sync has expired. hubwire will read everything "
              "again.", False)

# Reasons from developers.google.com/calendar/api/guides/errors and the Directory API's limits
# page, as listed in providers.md §3.4 and §5.
KNOWN: dict[str, tuple[str, bool]] = {
    "rateLimitExceeded": SLOW_DOWN,      # 403 or 429
    "userRateLimitExceeded": SLOW_DOWN,  # 403
    "quotaExceeded": ("Google's usage limit for hubwire has been reached for now. hubwire will try again "
                      "later.", True),   # 403 (or 429 usageLimits)
    "authError": ("Google no longer accepts hubwire's authorization. Reconnect Google to continue.", False),
    "forbidden": ("Google refused: the connected Google account may not do this. Managing users and groups "
                  "needs a super admin of a domain you own; reconnect as one.", False),
    "forbiddenForNonOrganizer": ("Only the organizer of this Google Calendar event can change it.", False),
    "notFound": ("This item no longer exists in Google, or the connected account cannot see it.", False),
    "duplicate": ("This already exists in Google (for example a user or group with this email address). "
                  "Choose another, or link the existing one.", False),
    "deleted": ("This item was deleted in Google.", False),
    "fullSyncRequired": START_OVER,
    "updatedMinTooLongAgo": START_OVER,
    # 412 with If-Match: a new attempt reads the current etag first.
    "conditionNotMet": ("This item was changed in Google after hubwire last read it. hubwire will read the new "
                        "version and try again.", True),
    "timeRangeEmpty": ("The end time is before the start time.", False),
}


def explain(response: httpx.Response) -> ProviderProblem:
    body = json_object(response) or {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    reasons = [e for e in error.get("errors") or [] if isinstance(e, dict)]
    reason = str(reasons[0].get("reason") or "") if reasons else str(error.get("status") or "")
    return explained(KNOWN, reason, str(error.get("message") or ""), response)
