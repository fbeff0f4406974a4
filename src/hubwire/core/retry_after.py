"""The Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP date, as seconds from now."""

import email.utils
import time


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait, or None when the header is absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
