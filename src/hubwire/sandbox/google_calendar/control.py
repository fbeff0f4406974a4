"""Sandbox Google Calendar's test hooks: what a person does in Google Calendar itself, outside
hubwire (create, edit, delete an event), and what Google does on its own (sync tokens expiring,
a Meet conference taking a while to be made)."""

from hubwire.sandbox.google_calendar import events, listing
from hubwire.sandbox.google_calendar.models import Calendar, Channel, Event, SyncToken
from hubwire.sandbox.hooks import control_action, flag, reset_tables
from hubwire.sandbox.oauth import subject_for
from hubwire.sandbox.servers import GOOGLE

reset_tables(Channel, SyncToken, Event, Calendar)


def calendar_for(email: str) -> Calendar:
    """The primary calendar of the Google user with this email, as the API would find it."""
    return events.calendar_of(subject_for(GOOGLE, email))


def object_in(data: dict, name: str) -> dict:
    """data[name], which must be a JSON object (ValueError, a 400, otherwise)."""
    if not isinstance(data[name], dict):
        raise ValueError(f"{name} must be an object")
    return data[name]


def event_for(data: dict) -> Event:
    """The stored event, or one occurrence of a stored series by its instance id (its first edit
    makes it an exception, as in Google Calendar)."""
    found = Event.objects.select_related("calendar").filter(
        event_id=data["event_id"], **({"calendar__email": data["email"]} if data.get("email") else {})).first()
    if found is None and data.get("email"):
        calendar = calendar_for(data["email"])
        if (instance := listing.find_instance(calendar, data["event_id"])) is not None:
            return events.occurrence(calendar, instance)
    if found is None:
        raise Event.DoesNotExist(f"no event {data['event_id']}")
    return found


@control_action("google_calendar-create-event")
def create_event(data):
    """{"email", "event": {an Event body}}: the person adds an event to their calendar."""
    created = events.insert(calendar_for(data["email"]), object_in(data, "event"), conference_version=1)
    return created.body


@control_action("google_calendar-edit-event")
def edit_event(data):
    """{"event_id", "changes": {...}, "email"?}: the person moves, retitles or otherwise edits it."""
    return events.change(event_for(data), object_in(data, "changes"), conference_version=1).body


@control_action("google_calendar-delete-event")
def delete_event(data):
    """{"event_id", "email"?}"""
    return events.delete(event_for(data)).body


@control_action("google_calendar-expire-sync-tokens")
def expire_sync_tokens(data):
    """{"email"?}: every sync token handed out (for that user) is answered 410 from now on."""
    tokens = SyncToken.objects.filter(expired=False)
    if data.get("email"):
        tokens = tokens.filter(calendar__email=data["email"])
    return {"expired": tokens.update(expired=True)}


@control_action("google_calendar-conferences-pending")
def conferences_pending(data):
    """{"email", "pending": true|false}: new Meet conferences answer `pending` until made ready."""
    calendar = calendar_for(data["email"])
    calendar.conferences_pending = flag(data, "pending", True)
    calendar.save(update_fields=["conferences_pending"])
    return {"pending": calendar.conferences_pending}


@control_action("google_calendar-conference-ready")
def conference_ready(data):
    """{"event_id", "email"?}: Google finishes the event's pending Meet conference."""
    return events.conference_ready(event_for(data)).body
