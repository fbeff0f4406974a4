"""The sandbox page's Google Calendar card: each Google user's primary calendar, fourteen days of it at
a time (a recurring series as its occurrences, as events.list with singleEvents=true lists them;
deleted events hidden), and forms that do what a person does in Google Calendar itself: add, move,
retitle and delete an event, Google finishing a pending Meet conference, sync tokens expiring.

Each form calls the functions the test hooks call (control.py: events.insert, change, delete,
conference_ready, expire_sync_tokens), so the calendar's watch channels are told exactly as after an
API write. A form Google Calendar would refuse writes nothing and shows /sandbox/ again, as a 400,
with the error naming the field."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from hubwire.sandbox import clock
from hubwire.sandbox.google_calendar import control, events, listing, watch
from hubwire.sandbox.google_calendar.models import Calendar, Event
from hubwire.sandbox.hooks import flag, page_card
from hubwire.sandbox.page_refusal import page_with_refusal
from hubwire.sandbox.routes import require_sandbox

WINDOW_DAYS = 14
# The page's own bounds, so that no date it computes from a form or a link can leave what datetime
# holds: years a person types, and how many fourteen-day pages away from today a link may go.
YEARS = range(1900, 3000)
MOST_PAGES = 1000
CALENDARS_SHOWN = 10  # the most recently made calendars; a long-lived sandbox may hold many more
# The page's own bound on "repeat weekly N times" (ten years of weeks), so that a slip of the finger
# cannot make a series the listing spends long expanding; Google publishes no such count.
MOST_WEEKLY_REPEATS = 520
LABELS = {"calendar": "Calendar", "event_id": "Event", "title": "Title", "description": "Description",
          "location": "Location",
          "start": "Start", "end": "End", "time_zone": "Time zone", "attendee": "Attendee email",
          "repeat_weekly": "Repeat weekly"}
# The form field that stands for a field of the Event body, when Google's own check refuses it.
FORM_FIELD = {"summary": "title", "description": "description", "location": "location", "attendees": "attendee",
              "recurrence": "repeat_weekly"}
REFUSAL = "google_calendar_refusal"  # the request attribute the card reads a refused form from


class Refused(Exception):
    """A form Google Calendar would not take: the form field at fault and why, in words."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field, self.message = field_name, message


@dataclass
class Refusal:
    """What the card shows after a refused form: where the error goes and what the person typed."""

    action: str
    calendar_pk: int | None
    field: str
    message: str
    values: dict

    @property
    def label(self) -> str:
        return LABELS.get(self.field, self.field)


# --- reading the forms ----------------------------------------------------------------------------

def _no_nul(form) -> None:
    # PostgreSQL cannot keep a NUL in text, JSON included: refused here rather than a 500 on write.
    for name, values in form.lists():
        if any("\x00" in value for value in values):
            raise Refused(name, "It contains a NUL character, which Google Calendar does not take.")


def _calendar(form) -> Calendar:
    try:
        return Calendar.objects.get(pk=int(form.get("calendar", "")))
    except (ValueError, Calendar.DoesNotExist):
        raise Refused("calendar", "There is no such calendar in the sandbox.") from None


def _event(calendar: Calendar, form) -> Event:
    """The stored event, or the occurrence of a series (its first write makes it an exception), as
    the API's events/{eventId} route finds it."""
    event_id = form.get("event_id", "")
    found = Event.objects.filter(calendar=calendar, event_id=event_id).select_related("calendar").first()
    if found is None and (instance := listing.find_instance(calendar, event_id)):
        found = events.occurrence(calendar, instance)
    if found is None:
        raise Refused("event_id", f"There is no event {event_id!r} in {calendar.email}'s calendar.")
    if found.body.get("status") == "cancelled":
        raise Refused("event_id", "This event has been deleted.")
    return found


def _title(form) -> str:
    title = form.get("title", "").strip()
    if not title:
        raise Refused("title", "Give the event a title.")
    return title


def _zone(form, calendar: Calendar) -> str:
    name = form.get("time_zone", "").strip() or calendar.time_zone
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Refused("time_zone", f"{name!r} is not a time zone (e.g. Europe/Paris, America/New_York, UTC).") from None
    return name


def _local(form, name: str) -> datetime:
    """A date-and-time input's value (yyyy-mm-ddThh:mm, or a bare date), as wall-clock time."""
    value = form.get(name, "").strip()
    if not value:
        raise Refused(name, f"Give the {name} date and time.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Refused(name, f"{value!r} is not a date and time (yyyy-mm-ddThh:mm).") from None
    if moment.tzinfo is not None:
        raise Refused(name, "Give the local time without an offset: the time zone says which zone it is in.")
    if moment.year not in YEARS:
        raise Refused(name, f"Give a year from {YEARS.start} to {YEARS.stop - 1}.")
    return moment


def _edges(form, zone: str, *, all_day: bool) -> dict:
    """The start and end of an Event body. An all-day event's form gives its last day, where Google's
    `end.date` is the day after it (RFC 5545's exclusive DTEND)."""
    start, end = _local(form, "start"), _local(form, "end")
    if all_day:
        first, last = start.date(), end.date()
        if last < first:
            raise Refused("end", "The last day is before the first day.")
        return {"start": {"date": first.isoformat()}, "end": {"date": (last + timedelta(days=1)).isoformat()}}
    start, end = start.replace(tzinfo=ZoneInfo(zone)), end.replace(tzinfo=ZoneInfo(zone))
    if end < start:
        raise Refused("end", "The end is before the start.")
    return {"start": {"dateTime": start.isoformat(), "timeZone": zone},
            "end": {"dateTime": end.isoformat(), "timeZone": zone}}


def _attendees(form) -> list[dict]:
    email = form.get("attendee", "").strip()
    if not email:
        return []
    try:
        validate_email(email)
    except ValidationError:
        raise Refused("attendee", f"{email!r} is not an email address.") from None
    return [{"email": email}]


def _weekly(form) -> list[str]:
    value = form.get("repeat_weekly", "").strip()
    if not value:
        return []
    if not value.isdigit() or not 1 <= int(value) <= MOST_WEEKLY_REPEATS:
        raise Refused("repeat_weekly", f"Repeat weekly takes a number of times from 1 to {MOST_WEEKLY_REPEATS}.")
    return [f"RRULE:FREQ=WEEKLY;COUNT={int(value)}"] if int(value) > 1 else []


# --- what each form does, as a person in Google Calendar ------------------------------------------

def add_event(calendar: Calendar, form) -> Event:
    body = {"summary": _title(form), **_edges(form, _zone(form, calendar), all_day=flag(form, "all_day"))}
    if attendees := _attendees(form):
        body["attendees"] = attendees
    if recurrence := _weekly(form):
        body["recurrence"] = recurrence
    return events.insert(calendar, body, conference_version=1)


def move_event(calendar: Calendar, form) -> Event:
    found = _event(calendar, form)
    start = found.body["start"]
    zone = start.get("timeZone") or calendar.time_zone
    return events.change(found, _edges(form, zone, all_day=bool(start.get("date"))), conference_version=1)


def edit_event(calendar: Calendar, form) -> Event:
    # An emptied description or location is removed (a null in a patch), as Google Calendar leaves no empty one.
    changes = {"summary": _title(form), "description": form.get("description", "").strip() or None,
               "location": form.get("location", "").strip() or None}
    return events.change(_event(calendar, form), changes, conference_version=1)


def delete_event(calendar: Calendar, form) -> None:
    events.delete(_event(calendar, form))


def conference_ready(calendar: Calendar, form) -> None:
    found = _event(calendar, form)
    try:
        events.conference_ready(found)
    except ValueError:
        raise Refused("event_id", "This event has no Meet link waiting to be made.") from None


def expire_sync_tokens(calendar: Calendar, form) -> None:
    control.expire_sync_tokens({"email": calendar.email})


def conferences_pending(calendar: Calendar, form) -> None:
    control.conferences_pending({"email": calendar.email, "pending": flag(form, "pending")})


FORMS = {"add": add_event, "move": move_event, "edit": edit_event, "delete": delete_event,
         "conference-ready": conference_ready, "expire-sync-tokens": expire_sync_tokens,
         "conferences-pending": conferences_pending}


@require_POST
def submit(request, action: str):
    require_sandbox()
    handler = FORMS.get(action)
    if handler is None:
        raise Http404(f"The Google Calendar card has no form {action!r}.")
    form = request.POST
    calendar = None
    try:
        _no_nul(form)
        calendar = _calendar(form)
        written = handler(calendar, form)
    except Refused as refused:
        return _refused(request, Refusal(action, calendar and calendar.pk, refused.field, refused.message, form.dict()))
    except events.Invalid as invalid:  # what Google's own check of the Event body refuses
        return _refused(request, Refusal(action, calendar.pk, _form_field(invalid.field), invalid.message,
                                         form.dict()))
    page = _page_of(calendar, written) if isinstance(written, Event) else _page_number(form.get("page"))
    return redirect(f"{reverse('sandbox:index')}?{urlencode({_page_key(calendar): page})}#gcal-{calendar.pk}")


def _form_field(google_field: str) -> str:
    """The form field standing for a field Google names (start.timeZone, summary, attendees…)."""
    if google_field.endswith(".timeZone"):
        return "time_zone"
    head = google_field.split(".")[0]
    return FORM_FIELD.get(head, head)


def _refused(request, refusal: Refusal):
    return page_with_refusal(request, REFUSAL, refusal)


urlpatterns = [path("<slug:action>/", submit, name="google_calendar")]


# --- the card -------------------------------------------------------------------------------------

def _page_key(calendar: Calendar) -> str:
    return f"gcal-{calendar.pk}"


def _page_number(value) -> int:
    """Which fourteen days a calendar shows: 0 from today, -1 the fourteen before, 1 after; any
    value that is not a whole number is 0, and one beyond MOST_PAGES the farthest page."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return max(-MOST_PAGES, min(number, MOST_PAGES))


def _today(calendar: Calendar) -> date:
    return clock.now().astimezone(ZoneInfo(calendar.time_zone)).date()


def _first_day(body: dict, zone: ZoneInfo) -> date:
    """The day an event starts on, in the calendar's zone (an all-day event's own date)."""
    if body["start"].get("date"):
        return date.fromisoformat(body["start"]["date"])
    return listing.edge(body["start"]).astimezone(zone).date()


def _page_of(calendar: Calendar, written: Event) -> int:
    """The page that shows where the event now starts, so that a person sees what they just did."""
    return _page_number((_first_day(written.body, ZoneInfo(calendar.time_zone)) - _today(calendar)).days // WINDOW_DAYS)


def _occurrences(calendar: Calendar, low: datetime, high: datetime) -> list[dict]:
    """What events.list?singleEvents=true&timeMin=low&timeMax=high answers, in start order: the
    API's own selection, so the card shows a series, an exception or a deletion as a client sees it."""
    query = HttpRequest()
    query.GET = QueryDict(urlencode({"timeMin": events.rfc3339(low), "timeMax": events.rfc3339(high)}))
    stored = [(e.pk, e.body) for e in calendar.events.order_by("pk")]
    chosen = listing.select(query, stored, single=True, incremental=False)
    return sorted((body for _, _, body in chosen), key=lambda body: (listing.starts(body), body.get("summary", "")))


def _input_value(when: dict, zone: ZoneInfo, *, last_day: bool = False) -> str:
    """An edge as a date or datetime-local input shows it: a dateTime in the event's zone, an all-day
    end as its last day."""
    if when.get("date"):
        day = date.fromisoformat(when["date"])
        return (day - timedelta(days=1) if last_day else day).isoformat()
    return listing.edge(when).astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _row(body: dict, calendar_zone: ZoneInfo) -> dict:
    start, end = body["start"], body["end"]
    conference_status = ((body.get("conferenceData") or {}).get("createRequest") or {}).get("status") or {}
    row = {"id": body["id"], "title": body.get("summary", ""), "description": body.get("description", ""),
           "location": body.get("location", ""),
           "all_day": bool(start.get("date")), "repeating": bool(body.get("recurringEventId")),
           "attendees": [a["email"] for a in body.get("attendees", [])], "meet": body.get("hangoutLink", ""),
           "meet_pending": conference_status.get("statusCode") == "pending"}
    row["day"] = f"{_first_day(body, calendar_zone):%a %-d %b %Y}"
    if row["all_day"]:
        first, last = date.fromisoformat(start["date"]), date.fromisoformat(end["date"]) - timedelta(days=1)
        row["when"] = "All day" if last <= first else f"All day, to {last.strftime('%a %-d %b')}"
        event_zone = calendar_zone
    else:
        event_zone = ZoneInfo(start["timeZone"]) if start.get("timeZone") else calendar_zone
        begins, ends = listing.edge(start).astimezone(calendar_zone), listing.edge(end).astimezone(calendar_zone)
        row["when"] = f"{begins:%H:%M}–{ends:%H:%M}" + ("" if ends.date() == begins.date() else f" {ends:%a %-d %b}")
        if event_zone.key != calendar_zone.key:
            row["when"] += f" ({listing.edge(start).astimezone(event_zone):%H:%M} {event_zone.key})"
    row["move_start"] = _input_value(start, event_zone)
    row["move_end"] = _input_value(end, event_zone, last_day=True)
    return row


def _add_form(calendar: Calendar, refusal: Refusal | None) -> dict:
    """The add form's values: what a refused add was given, or the next full hour for an hour."""
    if refusal and refusal.action == "add":
        return {**refusal.values, "all_day": flag(refusal.values, "all_day")}
    zone = ZoneInfo(calendar.time_zone)
    next_hour = (clock.now().astimezone(zone) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return {"start": f"{next_hour:%Y-%m-%dT%H:%M}", "end": f"{next_hour + timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "time_zone": calendar.time_zone}


def card_context(request) -> dict:
    refusal: Refusal | None = getattr(request, REFUSAL, None)
    shown = []
    for calendar in Calendar.objects.order_by("-id")[:CALENDARS_SHOWN]:
        mine = refusal if refusal and refusal.calendar_pk == calendar.pk else None
        number = _page_number(mine.values.get("page") if mine else request.GET.get(_page_key(calendar)))
        zone = ZoneInfo(calendar.time_zone)
        first_day = _today(calendar) + timedelta(days=number * WINDOW_DAYS)
        low = datetime.combine(first_day, time(), tzinfo=zone)
        high = datetime.combine(first_day + timedelta(days=WINDOW_DAYS), time(), tzinfo=zone)
        last_day = first_day + timedelta(days=WINDOW_DAYS - 1)
        shown.append({
            "calendar": calendar, "page": number, "refusal": mine, "add": _add_form(calendar, mine),
            "rows": [_row(body, zone) for body in _occurrences(calendar, low, high)],
            "window": f"{first_day:%a %-d %b} – {last_day:%a %-d %b %Y}",
            "earlier": "?" + urlencode({_page_key(calendar): number - 1}),
            "later": "?" + urlencode({_page_key(calendar): number + 1}),
            "channels": watch.live(calendar).count(),
        })
    unplaced = refusal if refusal and refusal.calendar_pk is None else None
    return {"calendars": shown, "refusal": unplaced,
            "not_shown": max(Calendar.objects.count() - CALENDARS_SHOWN, 0)}


page_card("google_calendar", template="sandbox/_google_calendar.html", context=card_context, urlpatterns=urlpatterns,
          order=20)
