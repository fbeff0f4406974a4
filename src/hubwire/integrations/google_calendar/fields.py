"""An appointment and a Google Calendar event seen the same way, so that the two can be compared
field by field (sync/ledger's `synced` snapshot is this view of what both sides last agreed on).

The view has five fields, each merged as a whole:
- "title" (the event's summary), "notes" (its description), "location" (its location: the
  appointment's address or dial-in text; for an appointment on Zoom with none, its meeting's join
  link once the meeting is ready, so that the invitees can join from the event);
- "when": start, end, time zone and all-day together, so that a merge never takes the start from
  one side and the end from the other. Timed moments are kept as UTC instants (a Google event in
  another zone, or written with another offset, compares equal when it is the same moment); all-day
  ones as dates;
- "contact": the email of the appointment's contact, which is the event's attendee. On the Google
  side only an attendee who is one of the workspace's contacts counts, so a guest the business adds
  in Google is neither imported as a contact nor removed by hubwire.

Merging without clocks (issue 19, item 4): a field changed on one side only takes that side's value;
a field changed on both sides to different values keeps Google's, and the other is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models.functions import Lower

from hubwire.crm.models import Appointment, AppointmentStatus, Contact, LocationType, MeetingLink, MeetingLinkStatus

# Each field, with its value when a side has none. A snapshot made before a field was synced
# (location came later) reads it as empty: the side that holds one then counts as having changed it,
# so an appointment's address reaches its event (or the event's reaches the appointment) without a
# conflict.
EMPTY = {"title": "", "notes": "", "location": "", "when": None, "contact": ""}
FIELDS = tuple(EMPTY)  # ("title", "notes", "location", "when", "contact")
LOCATION_MAX = 300  # Appointment.location
UTC = ZoneInfo("UTC")
TITLE_MAX = 200  # Appointment.title
NO_TITLE = "(No title)"  # what Google Calendar itself shows for an event without a summary


def zone(name: str, fallback: str = "UTC") -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


# --- hubwire's side --------------------------------------------------------------------------------

def appointment_fields(appointment: Appointment) -> dict:
    if appointment.all_day:
        local = ZoneInfo(appointment.time_zone)
        when = {"all_day": True, "start": appointment.start.astimezone(local).date().isoformat(),
                "end": appointment.end.astimezone(local).date().isoformat(), "time_zone": ""}
    else:
        when = {"all_day": False, "start": appointment.start.astimezone(UTC).isoformat(),
                "end": appointment.end.astimezone(UTC).isoformat(), "time_zone": appointment.time_zone}
    contact = appointment.contact
    return {"title": appointment.title, "notes": appointment.notes, "location": location(appointment), "when": when,
            "contact": (contact.email or "").lower() if contact is not None else ""}


def location(appointment: Appointment) -> str:
    """What the event's location says: the appointment's own text, or for one on Zoom without any,
    the meeting's join link (where a calendar shows a meeting it does not host). A Google Meet is the
    event's conference, not its location; a Zoom link not ready yet, or gone, is no location. Read
    back from Google, the same link is no change; a location typed in Google becomes the
    appointment's own text (appointment_values), which then stands before the link."""
    if appointment.location or appointment.location_type != LocationType.ZOOM:
        return appointment.location
    return MeetingLink.objects.filter(appointment=appointment, status=MeetingLinkStatus.READY).values_list(
        "join_url", flat=True).first() or ""


def appointment_values(workspace, fields: dict) -> dict:
    """The appointment's field values for `fields` (only the keys given), as appointment_update takes them."""
    values: dict = {}
    if "title" in fields:
        values["title"] = fields["title"] or NO_TITLE
    if "notes" in fields:
        values["notes"] = fields["notes"] or ""
    if "location" in fields:
        values["location"] = fields["location"] or ""
    if "when" in fields:
        when = fields["when"]
        if when["all_day"]:
            local = zone(workspace.time_zone)
            values |= {"all_day": True, "time_zone": workspace.time_zone,
                       "start": datetime.combine(date.fromisoformat(when["start"]), time(), local),
                       "end": datetime.combine(date.fromisoformat(when["end"]), time(), local)}
        else:
            values |= {"all_day": False, "time_zone": when["time_zone"] or workspace.time_zone,
                       "start": datetime.fromisoformat(when["start"]), "end": datetime.fromisoformat(when["end"])}
    if "contact" in fields:
        values["contact"] = contact_with_email(workspace, fields["contact"])
    return values


def contact_with_email(workspace, email: str) -> Contact | None:
    if not email:
        return None
    return Contact.objects.filter(workspace=workspace, email__iexact=email).order_by("pk").first()


# --- Google's side -----------------------------------------------------------------------------------

def _moment(edge: dict, fallback_zone: str) -> datetime:
    moment = datetime.fromisoformat(edge["dateTime"].replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone(edge.get("timeZone", ""), fallback_zone))


def event_when(event: dict, calendar_zone: str = "UTC") -> dict:
    start, end = event.get("start") or {}, event.get("end") or {}
    if start.get("date"):
        return {"all_day": True, "start": start["date"], "end": end.get("date") or start["date"], "time_zone": ""}
    began = _moment(start, calendar_zone)
    ended = _moment(end, calendar_zone) if end.get("dateTime") else began + timedelta(hours=1)
    return {"all_day": False, "start": began.astimezone(UTC).isoformat(), "end": ended.astimezone(UTC).isoformat(),
            "time_zone": start.get("timeZone") or calendar_zone}


def attendee_emails(event: dict) -> list[str]:
    """The event's guests' emails, lower-cased, the calendar's owner and organizer left out."""
    return [str(a.get("email", "")).lower() for a in event.get("attendees") or []
            if isinstance(a, dict) and not a.get("self") and not a.get("organizer") and a.get("email")]


def known_emails(workspace, events: list[dict]) -> set[str]:
    """Which of these events' guests are the workspace's contacts: one query for a whole page."""
    emails = {email for event in events for email in attendee_emails(event)}
    if not emails:
        return set()
    return set(Contact.objects.filter(workspace=workspace).annotate(lower_email=Lower("email"))
               .filter(lower_email__in=emails).values_list("lower_email", flat=True))


def event_contact(event: dict, known: set[str]) -> str:
    """The first guest who is one of the workspace's contacts (`known`, from known_emails), or ''."""
    return next((email for email in attendee_emails(event) if email in known), "")


def event_fields(event: dict, known: set[str], calendar_zone: str = "UTC") -> dict:
    return {"title": (event.get("summary") or NO_TITLE)[:TITLE_MAX], "notes": event.get("description") or "",
            "location": (event.get("location") or "")[:LOCATION_MAX],
            "when": event_when(event, calendar_zone), "contact": event_contact(event, known)}


def event_body(fields: dict, *, keys=FIELDS, attendees: list | None = None, previous_contact: str = "") -> dict:
    """The Event body for `keys` of `fields` (a create sends all, a patch what changed). The
    attendees list is replaced whole by Google, so the contact is swapped within the list last seen."""
    body: dict = {}
    if "title" in keys:
        body["summary"] = fields["title"]
    if "notes" in keys:
        body["description"] = fields["notes"]
    if "location" in keys:
        body["location"] = fields["location"]
    if "when" in keys:
        when = fields["when"]
        if when["all_day"]:
            body["start"], body["end"] = {"date": when["start"]}, {"date": when["end"]}
        else:
            local = zone(when["time_zone"])
            body["start"] = {"dateTime": datetime.fromisoformat(when["start"]).astimezone(local).isoformat(),
                             "timeZone": when["time_zone"]}
            body["end"] = {"dateTime": datetime.fromisoformat(when["end"]).astimezone(local).isoformat(),
                           "timeZone": when["time_zone"]}
    if "contact" in keys:
        others = [a for a in attendees or [] if isinstance(a, dict)
                  and str(a.get("email", "")).lower() not in (previous_contact, fields["contact"])]
        body["attendees"] = others + ([{"email": fields["contact"]}] if fields["contact"] else [])
    return body


# --- the merge ---------------------------------------------------------------------------------------

@dataclass
class Merge:
    result: dict          # what both sides hold afterwards (the next `synced`)
    to_google: dict       # fields hubwire must send
    to_hubwire: dict      # fields the appointment must take
    conflicts: list       # (field, hubwire's value, Google's value) where Google's was kept


def merge(base: dict, local: dict, remote: dict) -> Merge:
    result, to_google, to_hubwire, conflicts = {}, {}, {}, []
    for key in FIELDS:
        was, mine, theirs = base.get(key), local.get(key), remote.get(key)
        if mine == theirs:
            result[key] = mine
        elif theirs == was:             # changed in hubwire only
            result[key] = to_google[key] = mine
        elif mine == was:               # changed in Google only
            result[key] = to_hubwire[key] = theirs
        else:                           # changed on both sides: Google's is kept, hubwire's recorded
            result[key] = to_hubwire[key] = theirs
            conflicts.append((key, mine, theirs))
    return Merge(result, to_google, to_hubwire, conflicts)


def describe(key: str, value) -> str:
    """A field's value in words, for the appointment's history."""
    if key == "when" and isinstance(value, dict):
        if value.get("all_day"):
            return f"all day {value['start']} to {value['end']}"
        start = datetime.fromisoformat(value["start"]).astimezone(zone(value.get("time_zone", "")))
        return f"{start:%Y-%m-%d %H:%M} ({value.get('time_zone') or 'UTC'})"
    return f"“{value}”" if value else "(empty)"


LABELS = {"title": "title", "notes": "notes", "location": "location", "when": "time", "contact": "contact"}


def wants_meet(appointment: Appointment) -> bool:
    return appointment.location_type == LocationType.GOOGLE_MEET and appointment.status == AppointmentStatus.SCHEDULED
