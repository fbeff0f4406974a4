"""A recurring Google event's occurrences, as hubwire shows them (issue 19, item 5): each occurrence
that falls in hubwire's window becomes an appointment of its own, known by Google's instance id
("<series id>_<start>": the start in UTC as 20261201T150000Z, or the date as 20261201 for an all-day
series), which is what events.get/patch/delete take for one occurrence. hubwire never writes a
series back as separate Google events: a change to one occurrence is a patch of that instance,
which Google keeps as an exception of the series.

Occurrences keep their wall-clock time in the series' time zone, so a weekly 10:00 meeting in New
York stays at 10:00 across a DST change (its UTC time moves by an hour)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from hubwire.integrations.google_calendar.fields import UTC, zone

# A series with many BYHOUR/BYMINUTE parts cannot keep a pass busy: at most this many occurrences
# of one series are looked at (the window is normally reached long before).
MAX_SCANNED = 5000


def occurrences(series: dict, window: tuple[datetime, datetime], calendar_zone: str = "UTC") -> list[dict]:
    """The series' occurrences starting in [window), each an Event body of its own with Google's
    instance id, recurringEventId and originalStartTime. A rule hubwire cannot read yields none
    (the series is then shown on the sync panel, not guessed at)."""
    start, end = series.get("start") or {}, series.get("end") or {}
    low, high = window
    all_day = bool(start.get("date"))
    if all_day:
        first_local = datetime.fromisoformat(start["date"])
        length = datetime.fromisoformat(end.get("date") or start["date"]) - first_local
        local_zone = zone(calendar_zone)
    else:
        local_zone = zone(start.get("timeZone", ""), calendar_zone)
        began = datetime.fromisoformat(start["dateTime"].replace("Z", "+00:00"))
        began = began if began.tzinfo else began.replace(tzinfo=local_zone)
        ended = datetime.fromisoformat(end["dateTime"].replace("Z", "+00:00")) if end.get("dateTime") else began
        ended = ended if ended.tzinfo else ended.replace(tzinfo=local_zone)
        length = ended - began
        first_local = began.astimezone(local_zone).replace(tzinfo=None)
    rules = rrulestr("\n".join(series.get("recurrence") or []), dtstart=first_local, forceset=True, ignoretz=True)
    found = []
    for local in islice(rules, MAX_SCANNED):
        at = local.replace(tzinfo=local_zone)
        if at >= high:
            break
        if at + length <= low:
            continue
        found.append(_instance(series, local, at, length, all_day))
    return found


def _instance(series: dict, local: datetime, at: datetime, length: timedelta, all_day: bool) -> dict:
    body = {k: v for k, v in series.items() if k not in ("recurrence", "id")}
    if all_day:
        stamp = local.strftime("%Y%m%d")
        when, until = {"date": local.date().isoformat()}, {"date": (local + length).date().isoformat()}
    else:
        stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        time_zone = {"timeZone": series["start"]["timeZone"]} if series["start"].get("timeZone") else {}
        when = {"dateTime": at.isoformat(), **time_zone}
        until = {"dateTime": (at + length).isoformat(), **time_zone}
    return {**body, "id": f"{series['id']}_{stamp}", "recurringEventId": series["id"], "originalStartTime": when,
            "start": when, "end": until}


def series_of(instance_id: str) -> str:
    """The series id of an instance id ("<series>_<stamp>"), or ''."""
    series, sep, stamp = instance_id.rpartition("_")
    return series if sep and stamp[:8].isdigit() else ""


def day_window(today: date, *, back_days: int, ahead_days: int) -> tuple[datetime, datetime]:
    start = datetime.combine(today - timedelta(days=back_days), datetime.min.time(), ZoneInfo("UTC"))
    return start, start + timedelta(days=back_days + ahead_days)
