"""Zoom's REST API at api.zoom.us (providers.md §4.2, §4.3): the signed-in user, and meetings
(create 201, get, list, update 204, delete 204, 404 with code 3001), Zoom's {"code","message"}
error envelope, and the per-user daily limit on meeting create/update with its rate-limit headers."""

import re
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from hubwire.sandbox import clock
from hubwire.sandbox.models import ZoomDailyWrites, ZoomMeeting
from hubwire.sandbox.oauth import bearer
from hubwire.sandbox.routes import json_object, route
from hubwire.sandbox.zoom import webhooks as zoom_webhooks

HOST = "api.zoom.us"
PASSWORD = re.compile(r"[A-Za-z0-9@\-_*]{1,10}")
MEETING_TYPES = {1, 2, 3, 8}  # instant, scheduled, recurring without / with a fixed time


def zoom_error(status: int, code: int, message: str, **headers) -> JsonResponse:
    return _with_headers(JsonResponse({"code": code, "message": message}, status=status), headers)


def authenticated(request):
    token = bearer(request, "zoom")
    if token is None:
        return None, zoom_error(401, 124, "Invalid access token.")
    return token, None


@route(HOST, "GET", r"/v2/users/me")
def users_me(request):
    token, failure = authenticated(request)
    if failure:
        return failure
    s = token.subject
    return JsonResponse({
        "id": s["user_id"], "first_name": s["first_name"], "last_name": s["last_name"], "display_name":
        f"{s['first_name']} {s['last_name']}", "email": s["email"], "type": 2, "account_id": s["account_id"],
        "timezone": "UTC", "status": "active", "role_name": "Owner",
    })


def _count_write(user_id: str):
    """Count one meeting create/update; returns (headers, None) or (None, the 429 answer)."""
    now = clock.now()
    limit = settings.HUBWIRE_SANDBOX_ZOOM_DAILY_MEETING_WRITES
    with transaction.atomic(using="sandbox"):
        usage, _ = ZoomDailyWrites.objects.select_for_update().get_or_create(user_id=user_id, day=now.date())
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
        headers = {"X_RateLimit_Category": "Light", "X_RateLimit_Type": "Daily-limit",
                   "X_RateLimit_Limit": str(limit)}
        if usage.count >= limit:
            return None, zoom_error(
                429, 429, f"You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests "
                          "permitted for this particular user. You may resume these requests at GMT 00:00:00.",
                X_RateLimit_Remaining="0", Retry_After=str(int((midnight - now).total_seconds()) + 1), **headers)
        ZoomDailyWrites.objects.filter(pk=usage.pk).update(count=F("count") + 1)
    return {**headers, "X_RateLimit_Remaining": str(limit - usage.count - 1)}, None


def _with_headers(response, headers: dict):
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _validate(body: dict, *, creating: bool) -> str:
    """Zoom's validation message for a bad meeting body, or ''."""
    if creating and not str(body.get("topic", "")).strip():
        return "Validation Failed. topic: must not be blank"
    if "topic" in body and len(str(body["topic"])) > 200:
        return "Validation Failed. topic: length must be at most 200"
    if "type" in body and body["type"] not in MEETING_TYPES:
        return f"Invalid field. type: {body['type']}"
    if "start_time" in body:
        try:
            datetime.fromisoformat(str(body["start_time"]).replace("Z", "+00:00"))
        except ValueError:
            return f"Invalid field. start_time: {body['start_time']}"
    if "duration" in body and (not isinstance(body["duration"], int) or body["duration"] < 0):
        return "Invalid field. duration must be a non-negative integer"
    if "password" in body and not PASSWORD.fullmatch(str(body["password"])):
        return "Password can only contain the following characters: [a-z A-Z 0-9 @ - _ *] and max 10 characters."
    return ""


@route(HOST, "GET POST", r"/v2/users/(?P<user>[^/]+)/meetings")
def user_meetings(request, user: str):
    token, failure = authenticated(request)
    if failure:
        return failure
    subject = token.subject
    if user not in ("me", subject["user_id"], subject["email"]):
        return zoom_error(404, 1001, f"User does not exist: {user}.")
    if request.method == "GET":
        return _list(request, subject["user_id"])
    body = json_object(request)
    if body is None:
        return zoom_error(400, 300, "Request Body should be a valid JSON object.")
    if problem := _validate(body, creating=True):
        return zoom_error(400, 300, problem)
    headers, limited = _count_write(subject["user_id"])
    if limited:
        return limited
    meeting_id = secrets.randbelow(9 * 10**10) + 10**10  # 11 digits, like Zoom's meeting numbers
    password = body.get("password") or secrets.token_hex(3)
    base = settings.HUBWIRE_SANDBOX_URL or f"{settings.HUBWIRE_BASE_URL}/sandbox"
    meeting = {
        "uuid": uuid.uuid4().hex[:22] + "==", "id": meeting_id, "host_id": subject["user_id"],
        "host_email": subject["email"], "topic": body["topic"], "type": body.get("type", 2), "status": "waiting",
        "start_time": body.get("start_time", ""), "duration": body.get("duration", 60),
        "timezone": body.get("timezone", "UTC"), "agenda": body.get("agenda", ""),
        "created_at": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_url": f"{base}/zoom.us/s/{meeting_id}?zak={secrets.token_urlsafe(24)}",
        "join_url": f"{base}/zoom.us/j/{meeting_id}?pwd={secrets.token_urlsafe(16)}",
        "password": password, "h323_password": password, "pstn_password": password,
        "encrypted_password": secrets.token_urlsafe(16), "settings": body.get("settings") or {}, "pre_schedule": False,
    }
    ZoomMeeting.objects.create(meeting_id=meeting_id, user_id=subject["user_id"], body=meeting, created_at=clock.now())
    return _with_headers(JsonResponse(meeting, status=201), headers)


LISTED_FIELDS = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone", "agenda",
                 "created_at", "join_url")
LIST_AGENDA_MAX = 250  # Zoom truncates agendas in lists to 250 characters (List meetings, API reference)


def _list(request, user_id: str):
    """Scheduled meetings, oldest first, paged with next_page_token (page_size 30 by default, 300 at most)."""
    try:
        size = min(max(int(request.GET.get("page_size", 30)), 1), 300)
        offset = int(request.GET.get("next_page_token") or 0)
    except ValueError:
        return zoom_error(400, 300, "Invalid field. page_size or next_page_token")
    meetings = ZoomMeeting.objects.filter(user_id=user_id, deleted_at=None).order_by("created_at", "id")
    total = meetings.count()
    if not 0 <= offset <= total:  # a token this sandbox never handed out
        return zoom_error(400, 300, "Invalid field. page_size or next_page_token")
    listed = []
    for m in meetings[offset:offset + size]:
        item = {k: m.body.get(k) for k in LISTED_FIELDS}
        item["agenda"] = (item["agenda"] or "")[:LIST_AGENDA_MAX]
        listed.append(item)
    more = offset + size < total
    return JsonResponse({"page_size": size, "total_records": total,
                         "next_page_token": str(offset + size) if more else "", "meetings": listed})


def delete_meeting(found: ZoomMeeting, operator: str) -> None:
    """Delete a meeting (through the API or, from the sandbox page, "in Zoom") and tell the apps."""
    found.deleted_at = clock.now()
    found.save(update_fields=["deleted_at"])
    zoom_webhooks.meeting_deleted(found, operator)


@route(HOST, "GET PATCH DELETE", r"/v2/meetings/(?P<meeting_id>[0-9]+)")
def meeting(request, meeting_id: str):
    token, failure = authenticated(request)
    if failure:
        return failure
    found = ZoomMeeting.objects.filter(meeting_id=int(meeting_id), user_id=token.subject["user_id"],
                                       deleted_at=None).first()
    if found is None:
        return zoom_error(404, 3001, f"Meeting does not exist: {meeting_id}.")
    if request.method == "GET":
        return JsonResponse(found.body)
    if request.method == "DELETE":
        delete_meeting(found, operator=token.subject["email"])
        return HttpResponse(status=204)
    body = json_object(request)
    if body is None:
        return zoom_error(400, 300, "Request Body should be a valid JSON object.")
    if problem := _validate(body, creating=False):
        return zoom_error(400, 300, problem)
    headers, limited = _count_write(token.subject["user_id"])
    if limited:
        return limited
    allowed = {"topic", "type", "start_time", "duration", "timezone", "agenda", "password", "settings"}
    found.body = {**found.body, **{k: v for k, v in body.items() if k in allowed}}
    found.save(update_fields=["body"])
    return _with_headers(HttpResponse(status=204), headers)


@route("zoom.us", "GET", r"/(?P<role>[js])/(?P<meeting_id>[0-9]+)")
def join_page(request, role: str, meeting_id: str):
    """Where join_url and start_url lead: a page standing in for the Zoom client."""
    found = ZoomMeeting.objects.filter(meeting_id=int(meeting_id)).first()
    status = 404 if found is None or found.deleted_at else 200
    return render(request, "sandbox/zoom_join.html", {"meeting": found, "host": role == "s"}, status=status)
