"""The Calendar API v3 at www.googleapis.com/calendar/v3 (providers.md §3.2, §3.3): events insert,
get, patch, update, delete, list (paging, syncToken, filters), watch; channels.stop. The signed-in
Google user's primary calendar is its calendarId "primary" or its email."""

import functools
import secrets
from datetime import timedelta

from django.http import HttpResponse, JsonResponse

from hubwire.sandbox import clock
from hubwire.sandbox.google_calendar import events, listing, throttle, watch
from hubwire.sandbox.google_calendar.errors import HOST, bad_field, google_error
from hubwire.sandbox.google_calendar.models import Calendar, Channel, Event
from hubwire.sandbox.oauth import bearer
from hubwire.sandbox.routes import json_object, route

BASE = "/calendar/v3"
SCOPE = "https://www.googleapis.com/auth/"
WRITE_SCOPES = {SCOPE + "calendar", SCOPE + "calendar.events"}
READ_SCOPES = WRITE_SCOPES | {SCOPE + "calendar.readonly", SCOPE + "calendar.events.readonly"}
CHANNEL_ID_MAX = 64  # Channel.id: "at most 64 characters" (developers.google.com/calendar/api/guides/push)


def authorized(request, calendar_id: str | None):
    """(the user's calendar, None) or (None, Google's 401 / 403 / 404 answer)."""
    token = bearer(request, "google")
    if token is None:
        return None, google_error(401, "Invalid Credentials", "authError", location="Authorization",
                                  location_type="header")
    needed = READ_SCOPES if request.method == "GET" else WRITE_SCOPES
    if not needed & set(token.scope.split()):
        return None, google_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                                  domain="global")
    calendar = events.calendar_of(token.subject)
    if calendar_id not in (None, "primary", calendar.email):
        return None, google_error(404, "Not Found", "notFound")
    return calendar, None


def body_of(request) -> dict:
    """The request's JSON object; Invalid (Google's parseError) for anything else."""
    body = json_object(request)
    if body is None:
        raise events.Invalid("Parse Error: the request body is not a JSON object.", "body", "parseError")
    return body


def write_options(request) -> dict:
    """sendUpdates and conferenceDataVersion, as insert, patch, update and delete take them."""
    send_updates = request.GET.get("sendUpdates", "")
    if send_updates and send_updates not in events.SEND_UPDATES:
        raise events.Invalid(f"Invalid value for: sendUpdates: {send_updates!r}.", "sendUpdates")
    version = request.GET.get("conferenceDataVersion", "0")
    if version not in ("0", "1"):
        raise events.Invalid(f"Invalid value for: conferenceDataVersion: {version!r} (0 or 1).",
                             "conferenceDataVersion")
    return {"send_updates": send_updates, "conference_version": int(version)}


def api(methods: str, pattern: str):
    """A route of the Calendar API: its handler gets the caller's calendar once the credentials,
    scopes and calendarId are checked and the user's quota allows one more request (throttle.py),
    and a body Google refuses (events.Invalid) is its 400."""
    def decorator(handler):
        @route(HOST, methods, BASE + pattern)
        @functools.wraps(handler)
        def view(request, calendar_id: str | None = None, **kwargs):
            calendar, failure = authorized(request, calendar_id)
            if failure:
                return failure
            refused = throttle.count_request(calendar)
            if refused:
                return refused
            try:
                return handler(request, calendar, **kwargs)
            except events.Invalid as problem:
                return problem.response()
        return view
    return decorator


@api("POST", r"/calendars/(?P<calendar_id>[^/]+)/events/watch")
def events_watch(request, calendar: Calendar):
    body = body_of(request)
    channel_id = body.get("id")
    if not isinstance(channel_id, str) or not 0 < len(channel_id) <= CHANNEL_ID_MAX:
        return bad_field(f"Missing or invalid channel id: 1 to {CHANNEL_ID_MAX} characters.", "id", "required")
    if body.get("type") not in ("web_hook", "webhook"):
        return bad_field(f"Invalid channel type: {body.get('type')!r} (web_hook).", "type")
    address = body.get("address")
    # Google wants https; the sandbox also takes http, which is what hubwire listens on under test.
    if not isinstance(address, str) or not address.startswith(("https://", "http://")):
        return bad_field("WebHook callback must be HTTPS: address.", "address", "push.webhookUrlNotHttps")
    now = clock.now()
    if Channel.objects.filter(channel_id=channel_id, stopped=False, expires_at__gt=now).exists():
        return bad_field(f"Channel id {channel_id} not unique", "id", "channelIdNotUnique")
    longest = watch.DEFAULT_TTL.total_seconds()
    try:
        ttl = int((body.get("params") or {}).get("ttl", longest))
    except (TypeError, ValueError, AttributeError):
        return bad_field("Invalid value for: params.ttl (seconds).", "params.ttl")
    expires_at = now + timedelta(seconds=min(max(ttl, 1), longest))  # capped before timedelta can overflow
    if body.get("expiration"):
        try:
            expires_at = min(expires_at, watch.from_ms(body["expiration"]))
        except (TypeError, ValueError, OverflowError, OSError):  # OSError: a year the platform cannot hold
            return bad_field("Invalid value for: expiration (milliseconds since the epoch).", "expiration")
    token = body.get("token", "")
    if not isinstance(token, str):
        return bad_field("Invalid value for: token.", "token")
    channel = Channel.objects.create(calendar=calendar, channel_id=channel_id, address=address, token=token,
                                     resource_id=secrets.token_urlsafe(20)[:27], expires_at=expires_at)
    watch.push(channel, "sync")
    return JsonResponse({"kind": "api#channel", "id": channel.channel_id, "resourceId": channel.resource_id,
                         "resourceUri": watch.RESOURCE_URI.format(calendar=calendar.email),
                         **({"token": token} if token else {}), "expiration": watch.expiration_ms(expires_at)})


@api("POST", r"/channels/stop")
def channels_stop(request, calendar: Calendar):
    body = body_of(request)
    stopped = Channel.objects.filter(calendar=calendar, channel_id=body.get("id"), resource_id=body.get("resourceId"),
                                     stopped=False).update(stopped=True)
    if not stopped:
        return google_error(404, f"Channel '{body.get('id')}' not found for project", "notFound")
    return HttpResponse(status=204)


@api("GET POST", r"/calendars/(?P<calendar_id>[^/]+)/events")
def events_collection(request, calendar: Calendar):
    if request.method == "GET":
        return listing.events_list(request, calendar)
    options = write_options(request)
    body = body_of(request)
    try:
        created = events.insert(calendar, body, **options)
    except events.Duplicate:
        return google_error(409, "The requested identifier already exists.", "duplicate")
    return JsonResponse(created.body)


@api("GET PUT PATCH DELETE", r"/calendars/(?P<calendar_id>[^/]+)/events/(?P<event_id>[^/]+)")
def event(request, calendar: Calendar, event_id: str):
    found = Event.objects.filter(calendar=calendar, event_id=event_id).select_related("calendar").first()
    if found is None and (instance := listing.find_instance(calendar, event_id)):
        found = events.occurrence(calendar, instance)
    if found is None:
        return google_error(404, "Not Found", "notFound")
    if request.method == "GET":
        return JsonResponse(found.body)
    wanted = request.headers.get("If-Match")
    if wanted and wanted not in ("*", found.body["etag"]):
        return google_error(412, "Precondition Failed", "conditionNotMet", location="If-Match",
                            location_type="header")
    options = write_options(request)
    if request.method == "DELETE":
        if found.body.get("status") == "cancelled":
            return google_error(410, "Resource has been deleted", "deleted")
        events.delete(found, send_updates=options["send_updates"])
        return HttpResponse(status=204)
    body = body_of(request)
    changed = events.change(found, body, replace=request.method == "PUT", **options)
    return JsonResponse(changed.body)

