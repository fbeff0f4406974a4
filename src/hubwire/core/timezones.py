"""IANA time zones: the names pages offer, and the one check every service uses."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from hubwire.core.errors import FieldError


@cache
def time_zone_names() -> list[str]:
    return sorted(available_timezones())


def time_zone_name(value, field: str = "time_zone") -> str:
    try:
        ZoneInfo(value or "")
    except (ZoneInfoNotFoundError, ValueError):
        problem = f"“{value}” is not a time zone" if value else "Choose a time zone"
        raise FieldError({field: f"{problem}. Pick one from the list, e.g. America/New_York."}) from None
    return value
