"""IANA time zones: the names pages offer, and the one check every service uses."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from hubwire.core.errors import FieldError


@cache
def time_zone_names() -> list[str]:
    return sorted(available_timezones())


def time_zone_problem(value: str | None) -> str:
    """Why `value` is not an IANA time zone name, or ""."""
    try:
        ZoneInfo(value or "")
    except (ZoneInfoNotFoundError, ValueError):
        problem = f"“{value}” is not a time zone" if value else "Choose a time zone"
        return f"{problem}. Pick one from the list, e.g. America/New_York."
    return ""


def time_zone_name(value, field: str = "time_zone") -> str:
    if problem := time_zone_problem(value):
        raise FieldError({field: problem})
    return value
