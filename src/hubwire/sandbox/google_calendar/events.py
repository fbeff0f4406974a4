"""The sandbox calendar's events: checking an Event body as Google does, and every write (insert,
patch, update, delete), whether it comes through the API or from a test hook playing someone in
Google Calendar. Each write bumps the calendar's change count (what sync tokens point at), gives
the event a new etag, and tells the calendar's watch channels (watch.py)."""

import re
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from django.db import IntegrityError, transaction
from django.http import JsonResponse

from hubwire.sandbox import clock
from hubwire.sandbox.google_calendar import watch
from hubwire.sandbox.google_calendar.errors import bad_field
from hubwire.sandbox.google_calendar.models import Calendar, Event

# A client-chosen event id: base32hex characters (a-v, 0-9), 5 to 1024 of them (Event.id in calendar.v3.json).
EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")
BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
SEND_UPDATES = ("all", "externalOnly", "none")
STATUSES = ("confirmed", "tentative", "cancelled")
RECURRENCE_LINE = re.compile(r"(RRULE|EXRULE|RDATE|EXDATE)[:;].+")
# The frequencies Google Calendar's repeat options make (RFC 5545 also has SECONDLY..HOURLY).
FREQUENCY = re.compile(r"(?:RRULE|EXRULE)[:;].*\bFREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)\b.*")
TEXT_FIELDS = ("summary", "description", "location", "colorId", "transparency", "visibility", "recurringEventId")
OBJECT_FIELDS = ("reminders", "source", "originalStartTime")
FLAG_FIELDS = ("guestsCanModify", "guestsCanInviteOthers", "guestsCanSeeOtherGuests", "anyoneCanAddSelf")
# What a client may write; the rest of an Event (id, etag, created, organizer…) is Google's.
WRITABLE = {*TEXT_FIELDS, *OBJECT_FIELDS, *FLAG_FIELDS, "start", "end", "attendees", "recurrence",
            "extendedProperties", "status"}
# What a writable field is when a new event or a full update (PUT) leaves it out.
WRITE_DEFAULTS = {"status": "confirmed", "reminders": {"useDefault": True}}
# What changes an event's iCalendar SEQUENCE (RFC 5545 §3.8.7.4: a change to its timing).
RESCHEDULING = ("start", "end", "recurrence")


class Invalid(ValueError):
    """A body Google refuses with a 400: its message, the field it names, and the reason."""

    def __init__(self, message: str, field: str, reason: str = "invalid"):
        super().__init__(message)
        self.message, self.field, self.reason = message, field, reason

    def response(self) -> JsonResponse:
        return bad_field(self.message, self.field, self.reason)


class Duplicate(ValueError):
    """A client-chosen event id this calendar already has: Google's 409 duplicate."""


def calendar_of(subject: dict) -> Calendar:
    """The primary calendar of a Google user (a token's subject), made on first use."""
    calendar, _ = Calendar.objects.get_or_create(user_id=subject["user_id"], defaults={"email": subject["email"]})
    return calendar


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_moment(text: str, field: str) -> datetime:
    """An RFC 3339 timestamp; naive when it has no offset."""
    try:
        if not isinstance(text, str):
            raise ValueError(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Invalid(f"Invalid value for: {field}: {text!r} is not an RFC 3339 date-time.", field) from None


def _zone(name, field: str) -> None:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"Invalid time zone definition for {field}.", field + ".timeZone") from None


def _when(value, field: str) -> tuple[str, object]:
    """("date", a date) for an all-day edge, ("dateTime", an aware datetime) otherwise."""
    if not isinstance(value, dict):
        raise Invalid(f"Missing {field} time.", field, "required")
    if "timeZone" in value:
        _zone(value["timeZone"], field)
    if value.get("date") and value.get("dateTime"):
        raise Invalid(f"Invalid {field} time: give either date or dateTime, not both.", field)
    if value.get("date"):
        try:
            return "date", date.fromisoformat(value["date"])
        except (ValueError, TypeError):  # TypeError: not a string
            raise Invalid(f"Invalid value for: {field}.date: {value['date']!r} is not a yyyy-mm-dd date.",
                          field + ".date") from None
    if not value.get("dateTime"):
        raise Invalid(f"Missing {field} time.", field, "required")
    moment = parse_moment(value["dateTime"], field + ".dateTime")
    if moment.tzinfo is None:
        if not value.get("timeZone"):
            raise Invalid(f"Missing time zone definition for {field} time.", field + ".timeZone", "required")
        moment = moment.replace(tzinfo=ZoneInfo(value["timeZone"]))
    return "dateTime", moment


def recurrence_rules(lines: list[str], first: datetime):
    """The occurrences (naive wall-clock times) of a series starting at `first`; ValueError for a bad rule."""
    for line in lines:
        if line.startswith(("RRULE", "EXRULE")) and not FREQUENCY.fullmatch(line):
            raise ValueError(f"unsupported frequency in {line!r}")
    return rrulestr("\n".join(lines), dtstart=first, forceset=True, ignoretz=True)


def check(event: dict) -> None:
    """Raise Invalid for what Google would refuse in this (whole, merged) Event body."""
    for field in TEXT_FIELDS:
        if field in event and not isinstance(event[field], str):
            raise Invalid(f"Invalid value for: {field} must be a string.", field)
    for field in OBJECT_FIELDS:
        if field in event and not isinstance(event[field], dict):
            raise Invalid(f"Invalid value for: {field} must be an object.", field)
    for field in FLAG_FIELDS:
        if field in event and not isinstance(event[field], bool):
            raise Invalid(f"Invalid value for: {field} must be true or false.", field)
    start_kind, start = _when(event.get("start"), "start")
    end_kind, end = _when(event.get("end"), "end")
    if start_kind != end_kind:
        raise Invalid("Invalid start and end: both must be dates (an all-day event) or both date-times.", "end")
    if end < start:
        raise Invalid("The specified time range is empty.", "end", "timeRangeEmpty")
    if event.get("status", "confirmed") not in STATUSES:
        raise Invalid(f"Invalid value for: status: {event['status']!r}.", "status")
    attendees = event.get("attendees", [])
    if not isinstance(attendees, list) or not all(isinstance(a, dict) and isinstance(a.get("email"), str)
                                                  and "@" in a["email"] for a in attendees):
        raise Invalid("Invalid attendee email: every attendee needs an email address.", "attendees")
    recurrence = event.get("recurrence", [])
    if not isinstance(recurrence, list) or not all(isinstance(r, str) and RECURRENCE_LINE.fullmatch(r)
                                                   for r in recurrence):
        raise Invalid("Invalid recurrence rule: each line is an RRULE, EXRULE, RDATE or EXDATE.", "recurrence")
    if recurrence:
        try:
            recurrence_rules(recurrence, datetime.combine(start, datetime.min.time()) if start_kind == "date"
                             else start.replace(tzinfo=None))
        except (ValueError, TypeError, OverflowError) as exc:
            raise Invalid(f"Invalid recurrence rule: {exc}.", "recurrence") from None
    properties = event.get("extendedProperties", {})
    if not isinstance(properties, dict) or not all(
            scope in ("private", "shared") and isinstance(values, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())
            for scope, values in properties.items()):
        raise Invalid("Invalid extendedProperties: private and shared map names to string values.",
                      "extendedProperties")


def merged(current: dict, changes: dict) -> dict:
    """PATCH semantics: objects merge key by key (a null removes the key), anything else replaces."""
    result = dict(current)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(current.get(key), dict):
            result[key] = merged(current[key], value)
        else:
            result[key] = value
    return result


def conference(request_body: dict, current: dict | None, pending: bool) -> dict | None:
    """The conferenceData a write with conferenceDataVersion=1 leaves on the event; None: unchanged."""
    wanted = request_body.get("conferenceData")
    if wanted is None:
        return None
    if not isinstance(wanted, dict):
        raise Invalid("Invalid value for: conferenceData must be an object.", "conferenceData")
    entry_points = wanted.get("entryPoints", [])
    if not isinstance(entry_points, list) or not all(isinstance(p, dict) and isinstance(p.get("uri"), str)
                                                     for p in entry_points):
        raise Invalid("Invalid conference entry point: each needs a uri.", "conferenceData.entryPoints")
    create = wanted.get("createRequest")
    if create is None:
        return wanted
    if not isinstance(create, dict):
        raise Invalid("Invalid value for: conferenceData.createRequest must be an object.",
                      "conferenceData.createRequest")
    solution = create.get("conferenceSolutionKey")
    if not isinstance(solution, dict) or solution.get("type") != "hangoutsMeet":
        raise Invalid("Invalid conference type value.", "conferenceData.createRequest.conferenceSolutionKey.type")
    if not isinstance(create.get("requestId"), str) or not create["requestId"]:
        raise Invalid("Missing conferenceData.createRequest.requestId.", "conferenceData.createRequest.requestId",
                      "required")
    existing = (current or {}).get("conferenceData")
    if existing and (existing.get("createRequest") or {}).get("requestId") == create["requestId"]:
        return existing  # a repeated requestId is ignored: no second conference (providers.md §3.2)
    return {"createRequest": {"requestId": create["requestId"], "conferenceSolutionKey": {"type": "hangoutsMeet"},
                              "status": {"statusCode": "pending" if pending else "success"}},
            **({} if pending else meet_details())}


def meet_details() -> dict:
    """A Meet conference's code and entry point, in Meet's xxx-yyyy-zzz form."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    code = "-".join("".join(secrets.choice(letters) for _ in range(n)) for n in (3, 4, 3))
    return {"conferenceId": code, "entryPoints": [{"entryPointType": "video", "uri": f"https://meet.google.com/{code}",
                                                  "label": f"meet.google.com/{code}"}],
            "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet",
                                   "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/"
                                              "logo_meet_2020q4_color_2x_web_512dp.png"}}


def with_conference(event: dict, data: dict | None) -> dict:
    if data is None:
        return event
    event = {**event, "conferenceData": data}
    video = [p["uri"] for p in data.get("entryPoints", []) if p.get("entryPointType") == "video"]
    if video:
        event["hangoutLink"] = video[0]
    return event


def new_event_id() -> str:
    return "".join(secrets.choice(BASE32HEX) for _ in range(26))


def _save(found: Event, body: dict, send_updates: str) -> Event:
    """Store one write of `found` (new or stored): the calendar's next change position, a new etag
    and `updated`; then the pushes."""
    with transaction.atomic(using="sandbox"):
        calendar = Calendar.objects.select_for_update().get(pk=found.calendar_id)
        calendar.changes += 1
        calendar.save(update_fields=["changes"])
        now = clock.now()
        found.body = {**body, "updated": rfc3339(now), "etag": f'"{int(now.timestamp() * 1000)}{calendar.changes:06d}"'}
        found.position, found.send_updates = calendar.changes, send_updates
        found.save()
    watch.notify(calendar)
    return found


def insert(calendar: Calendar, body: dict, *, send_updates: str = "", conference_version: int = 0) -> Event:
    """Raise Invalid for a bad body, or Duplicate when the client's id is taken."""
    event_id = body.get("id") or new_event_id()
    if not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id):
        raise Invalid("Invalid resource id value: an event id is 5-1024 characters a-v and 0-9.", "id")
    event = {k: v for k, v in body.items() if k in WRITABLE}
    check(event)
    if Event.objects.filter(calendar=calendar, event_id=event_id).exists():
        raise Duplicate(event_id)
    now = rfc3339(clock.now())
    owner = {"email": calendar.email, "self": True}
    event = {"kind": "calendar#event", "id": event_id, "created": now,
             "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}", "creator": owner, "organizer": owner,
             "iCalUID": f"{event_id}@google.com", "sequence": 0, "eventType": "default", **WRITE_DEFAULTS, **event}
    if conference_version:
        event = with_conference(event, conference(body, None, calendar.conferences_pending))
    try:
        return _save(Event(calendar=calendar, event_id=event_id), event, send_updates)
    except IntegrityError:  # the same id inserted at the same moment, after the check above
        raise Duplicate(event_id) from None


def change(found: Event, changes: dict, *, replace: bool = False, send_updates: str = "",
           conference_version: int = 0) -> Event:
    """PATCH (merge `changes`) or, with replace, PUT (the writable fields become exactly `changes`)."""
    current = found.body
    writable = {k: v for k, v in changes.items() if k in WRITABLE}
    if replace:
        event = {k: v for k, v in current.items() if k not in WRITABLE} | WRITE_DEFAULTS | writable
    else:
        event = merged(current, writable)
    check(event)
    if any(event.get(k) != current.get(k) for k in RESCHEDULING):
        event["sequence"] = current.get("sequence", 0) + 1
    if conference_version and "conferenceData" in changes and changes["conferenceData"] is None:
        # PATCH semantics: a null clears the field, here the event's conference and its Meet link
        # (Google's JSON APIs clear a field sent as null; providers.md has no removal example) [U].
        event = {k: v for k, v in event.items() if k not in ("conferenceData", "hangoutLink")}
    elif conference_version:
        event = with_conference(event, conference(changes, current, found.calendar.conferences_pending))
    return _save(found, event, send_updates)


def delete(found: Event, *, send_updates: str = "") -> Event:
    return _save(found, {**found.body, "status": "cancelled"}, send_updates)


def occurrence(calendar: Calendar, instance: dict) -> Event:
    """One occurrence of a series, not yet stored: its first edit or deletion makes it an exception,
    an event of its own that keeps the instance's id, recurringEventId and originalStartTime."""
    return Event(calendar=calendar, event_id=instance["id"], body=instance)


def conference_ready(found: Event) -> Event:
    """Google finishes making a pending Meet conference: the link appears, the event changes."""
    data = found.body.get("conferenceData") or {}
    if ((data.get("createRequest") or {}).get("status") or {}).get("statusCode") != "pending":
        raise ValueError(f"event {found.event_id} has no pending conference")
    data = {**data, **meet_details()}
    data["createRequest"] = {**data["createRequest"], "status": {"statusCode": "success"}}
    return _save(found, with_conference(found.body, data), found.send_updates)
