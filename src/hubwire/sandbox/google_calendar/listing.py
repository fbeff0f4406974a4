"""events.list (providers.md §3.2, developers.google.com/calendar/api/guides/sync): a full listing
with filters, or the changes since a syncToken (cancelled events always included); pages of
maxResults with nextPageToken, and nextSyncToken on the last page only. A sync token this sandbox
never handed out, or one a test hook expired, is answered 410 fullSyncRequired."""

import base64
import json
import secrets
from itertools import islice
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import JsonResponse

from hubwire.sandbox import clock
from hubwire.sandbox.google_calendar.errors import bad_field, google_error
from hubwire.sandbox.google_calendar.events import Invalid, parse_moment, recurrence_rules, rfc3339
from hubwire.sandbox.google_calendar.models import Calendar, SyncToken

DEFAULT_RESULTS, MAX_RESULTS = 250, 2500  # maxResults: default 250, at most 2500 (calendar.v3.json)
# What may not accompany a syncToken (events.list, calendar.v3.json's syncToken description).
NOT_WITH_SYNC = ("iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin",
                 "timeMax", "updatedMin")
# How far a series with no end is expanded when the request gives no timeMax (singleEvents=true).
OPEN_SERIES_WINDOW = timedelta(days=366)
# How many occurrences of one series the sandbox looks at, at most: its own bound, so that a rule
# with many BYHOUR/BYMINUTE parts cannot keep a request busy (Google's own bound is not published).
OCCURRENCES_SCANNED = 20_000
UTC = ZoneInfo("UTC")


def encode_page(after: list, upto: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([after, upto]).encode()).decode().rstrip("=")


def decode_page(token: str) -> tuple[tuple, int]:
    """(the key of the last item listed, the change position the listing began at) from a pageToken
    this sandbox handed out; ValueError otherwise."""
    try:
        after, upto = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        order, pk, index = after
    except (ValueError, TypeError) as exc:
        raise ValueError(token) from exc
    if not (type(order) is str and type(pk) is int and type(index) is int and type(upto) is int and upto >= 0):
        raise ValueError(token)
    return (order, pk, index), upto


def starts(event: dict) -> datetime:
    """When an event starts, in UTC (an all-day event at midnight UTC)."""
    return edge(event["start"])


def edge(when: dict) -> datetime:
    if when.get("date"):
        return datetime.fromisoformat(when["date"]).replace(tzinfo=UTC)
    moment = datetime.fromisoformat(when["dateTime"].replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(when["timeZone"]))


def property_filters(request, name: str) -> list[tuple[str, str]]:
    pairs = []
    for wanted in request.GET.getlist(name):
        key, sep, value = wanted.partition("=")
        if not sep or not key:
            raise Invalid(f"Invalid value for: {name}: {wanted!r} is not name=value.", name)
        pairs.append((key, value))
    return pairs


def instances(series: dict, window: tuple[datetime | None, datetime | None]) -> list[dict]:
    """The occurrences of a recurring event, as singleEvents=true lists them: each with its own id,
    recurringEventId and originalStartTime, wall-clock times kept in the series' time zone (DST)."""
    start, end = series["start"], series["end"]
    all_day = bool(start.get("date"))
    first = edge(start)
    zone = ZoneInfo(start["timeZone"]) if start.get("timeZone") else first.tzinfo
    local_first = first.astimezone(zone).replace(tzinfo=None)
    duration = edge(end) - first
    low, high = window
    high = high or max(first, low or first) + OPEN_SERIES_WINDOW
    since = ((low or first).astimezone(zone) - duration).replace(tzinfo=None)
    until_local = high.astimezone(zone).replace(tzinfo=None)
    found = []
    for local in islice(recurrence_rules(series["recurrence"], local_first), OCCURRENCES_SCANNED):
        if local > until_local:
            break
        if local < since:
            continue
        at = local.replace(tzinfo=zone)
        if all_day:
            stamp, when = local.strftime("%Y%m%d"), {"date": local.date().isoformat()}
            until = {"date": (local + duration).date().isoformat()}
        else:
            stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            when = {"dateTime": at.isoformat(), **({"timeZone": start["timeZone"]} if start.get("timeZone") else {})}
            until = {"dateTime": (at + duration).isoformat(),
                     **({"timeZone": end["timeZone"]} if end.get("timeZone") else {})}
        occurrence = {k: v for k, v in series.items() if k != "recurrence"}
        found.append({**occurrence, "id": f"{series['id']}_{stamp}", "recurringEventId": series["id"],
                      "originalStartTime": when, "start": when, "end": until})
    return found


def find_instance(calendar: Calendar, instance_id: str) -> dict | None:
    """The occurrence "<series id>_<start stamp>" of a stored series, or None."""
    series_id, _, stamp = instance_id.rpartition("_")
    series = calendar.events.filter(event_id=series_id).first()
    if series is None or not series.body.get("recurrence") or series.body.get("status") == "cancelled":
        return None
    try:
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ" if "T" in stamp else "%Y%m%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    window = (moment - timedelta(days=1), moment + timedelta(days=1))  # a day either side covers any zone offset
    return next((i for i in instances(series.body, window) if i["id"] == instance_id), None)


def listed(event: dict) -> dict:
    """A cancelled event is only guaranteed its id (Event.status, calendar.v3.json)."""
    if event.get("status") == "cancelled":
        return {k: event[k] for k in ("kind", "etag", "id", "status", "updated", "recurringEventId",
                                      "originalStartTime") if k in event}
    return event


def events_list(request, calendar: Calendar) -> JsonResponse:
    q = request.GET
    sync_value = q.get("syncToken")
    try:
        size = int(q.get("maxResults", DEFAULT_RESULTS))
        if size < 1:
            raise ValueError(size)
    except ValueError:
        return bad_field(f"Invalid value for: maxResults: {q.get('maxResults')!r}.", "maxResults")
    size = min(size, MAX_RESULTS)
    try:
        after, upto = decode_page(q["pageToken"]) if q.get("pageToken") else (None, calendar.changes)
    except ValueError:
        return bad_field("Invalid page token value.", "pageToken")
    single = q.get("singleEvents", "false") == "true"
    if q.get("orderBy") not in (None, "startTime", "updated"):
        return bad_field(f"Invalid value for: orderBy: {q['orderBy']!r}.", "orderBy")
    if q.get("orderBy") == "startTime" and not single:
        return bad_field("The requested ordering is not available for the particular query.", "orderBy")
    events = calendar.events.order_by("pk")
    if sync_value:
        clash = next((name for name in NOT_WITH_SYNC if name in q), None)
        if clash:
            return bad_field(f"{clash} cannot be used together with syncToken.", clash)
        token = SyncToken.objects.filter(calendar=calendar, value=sync_value, expired=False).first()
        if token is None:
            return google_error(410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired")
        events = events.filter(position__gt=token.position)
    chosen = select(request, [(e.pk, e.body) for e in events], single=single, incremental=bool(sync_value))
    # Each item's place in the listing: pages resume after the last place listed, so an event added,
    # changed or deleted meanwhile never shifts one that was not yet listed off the pages.
    order = {"startTime": lambda e: starts(e).astimezone(UTC).isoformat(), "updated": lambda e: e["updated"]}.get(
        q.get("orderBy"), lambda e: "")
    items = sorted(((order(body), pk, index), body) for pk, index, body in chosen)
    remaining = [item for item in items if after is None or item[0] > after]
    page = [body for _, body in remaining[:size]]
    answer = {"kind": "calendar#events", "etag": f'"{calendar.changes}"', "summary": calendar.email,
              "updated": max((e["updated"] for e in page), default=rfc3339(clock.now())),
              "timeZone": calendar.time_zone, "accessRole": "owner",
              "defaultReminders": [{"method": "popup", "minutes": 10}], "items": [listed(e) for e in page]}
    if len(remaining) > size:
        answer["nextPageToken"] = encode_page(list(remaining[size - 1][0]), upto)
    else:
        answer["nextSyncToken"] = SyncToken.objects.create(calendar=calendar, position=upto,
                                                           value=secrets.token_urlsafe(24)).value
    return JsonResponse(answer)


def select(request, stored: list[tuple[int, dict]], *, single: bool,
           incremental: bool) -> list[tuple[int, int, dict]]:
    """The events a list request asks for, each with its row's pk and its place among the row's
    occurrences; raise Invalid for a bad filter."""
    q = request.GET
    private, shared = property_filters(request, "privateExtendedProperty"), property_filters(
        request, "sharedExtendedProperty")
    low = parse_moment(q["timeMin"], "timeMin") if q.get("timeMin") else None
    high = parse_moment(q["timeMax"], "timeMax") if q.get("timeMax") else None
    updated_min = parse_moment(q["updatedMin"], "updatedMin") if q.get("updatedMin") else None
    for name, moment in (("timeMin", low), ("timeMax", high), ("updatedMin", updated_min)):
        if moment is not None and moment.tzinfo is None:
            raise Invalid(f"Invalid value for: {name}: an RFC 3339 timestamp needs its offset.", name)
    if low and high and high <= low:
        raise Invalid("The specified time range is empty.", "timeMax", "timeRangeEmpty")
    show_deleted = incremental or q.get("showDeleted") == "true"
    text = q.get("q", "").lower()
    exceptions = {b["id"] for _, b in stored if b.get("recurringEventId")}
    chosen = []
    for pk, body in stored:
        if single and body.get("recurrence") and body.get("status") != "cancelled" and not incremental:
            candidates = [i for i in instances(body, (low, high)) if i["id"] not in exceptions]
        else:
            candidates = [body]
        for index, event in enumerate(candidates):
            props = event.get("extendedProperties", {})
            if not all(props.get("private", {}).get(k) == v for k, v in private):
                continue
            if not all(props.get("shared", {}).get(k) == v for k, v in shared):
                continue
            if event.get("status") == "cancelled" and not show_deleted:
                continue
            if updated_min and parse_moment(event["updated"], "updated") < updated_min:
                continue
            if q.get("iCalUID") and event.get("iCalUID") != q["iCalUID"]:
                continue
            if text and not any(text in str(event.get(f, "")).lower() for f in ("summary", "description", "location")):
                continue
            if "start" in event and not event.get("recurrence") and (
                    (high and starts(event) >= high) or (low and edge(event["end"]) <= low)):
                continue
            chosen.append((pk, index, event))
    return chosen
