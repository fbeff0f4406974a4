"""Zoom's webhooks, sent by the sandbox to the apps a Zoom user installed (providers.md §4.4):
signed with x-zm-signature over "v0:{timestamp}:{body}", delivered at once, and logged in the
call log (host "hubwire"). The sandbox app subscribes to what hubwire needs: meeting.deleted and
app_deauthorized; endpoint.url_validation is sent when the sandbox page asks for it.

Unlike Zoom, a failed delivery is not retried (+5, +20, +60 min); the call log shows it."""

import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import urlsplit

import httpx

from hubwire.sandbox import clock
from hubwire.sandbox.clients import post_event, webhook_secret_for, webhook_url_for
from hubwire.sandbox.models import Call, Token, ZoomMeeting


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def post(client_id: str, event: str, payload: dict) -> httpx.Response | None:
    """Sign and POST one event to the app's endpoint; None when it could not be reached."""
    body = json.dumps({"event": event, "event_ts": int(time.time() * 1000), "payload": payload}).encode()
    timestamp = str(int(time.time()))  # real time, as Zoom's is: the sandbox clock only moves token lifetimes
    headers = {"content-type": "application/json", "user-agent": "Zoom Marketplace/1.0a (sandbox)",
               "x-zm-request-timestamp": timestamp, "x-zm-trackingid": secrets.token_hex(12),
               "x-zm-signature": "v0=" + _hmac(webhook_secret_for(client_id), f"v0:{timestamp}:".encode() + body)}
    return post_event(webhook_url_for("zoom"), body, headers, event)


def apps_of(user_id: str) -> set[str]:
    """Client ids of the apps this Zoom user has authorized (and not removed)."""
    return set(Token.objects.filter(server="zoom", subject__user_id=user_id, revoked_at=None)
               .values_list("client_id", flat=True))


def meeting_deleted(meeting: ZoomMeeting, operator: str) -> None:
    body = meeting.body
    payload = {"account_id": _account_of(meeting.user_id), "operator": operator, "operator_id": meeting.user_id,
               "operation": "single", "object": {k: body.get(k) for k in (
                   "uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone")}}
    for client_id in apps_of(meeting.user_id):
        post(client_id, "meeting.deleted", payload)


def _account_of(user_id: str) -> str:
    token = Token.objects.filter(server="zoom", subject__user_id=user_id).order_by("-id").first()
    return token.subject.get("account_id", "") if token else ""


def validate_endpoint(client_id: str) -> bool:
    """Zoom's endpoint.url_validation challenge; True when the answer is right."""
    plain = secrets.token_urlsafe(16)
    response = post(client_id, "endpoint.url_validation", {"plainToken": plain})
    try:
        answer = response.json() if response is not None and response.status_code == 200 else {}
    except ValueError:
        answer = {}
    valid = (answer.get("plainToken") == plain
             and hmac.compare_digest(str(answer.get("encryptedToken", "")), _hmac(webhook_secret_for(client_id),
                                                                                  plain.encode())))
    Call.objects.create(host="hubwire", method="CHECK", path=urlsplit(webhook_url_for("zoom")).path,
                        status=200 if valid else 400, note=f"url validation {'passed' if valid else 'FAILED'}")
    return valid


def uninstall(email: str) -> int:
    """The user removes the app in Zoom's Marketplace: its tokens die and it is told so."""
    tokens = Token.objects.filter(server="zoom", subject__email=email, revoked_at=None)
    subjects = {t.client_id: t.subject for t in tokens}
    tokens.update(revoked_at=clock.now())
    for client_id, subject in subjects.items():
        post(client_id, "app_deauthorized", {
            "user_data_retention": "false", "account_id": subject["account_id"], "user_id": subject["user_id"],
            "signature": secrets.token_hex(32), "client_id": client_id,
            "deauthorization_time": clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"})
    return len(subjects)
