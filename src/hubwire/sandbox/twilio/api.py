"""Twilio's REST API at api.twilio.com (providers.md §6): account lookup with HTTP Basic auth
(Account SID : Auth Token). The sandbox has one account; its credentials are on the sandbox page."""

import base64
import hashlib
import hmac

from django.http import JsonResponse

from hubwire.sandbox.routes import route

HOST = "api.twilio.com"
ACCOUNT_SID = "AC" + hashlib.md5(b"hubwire sandbox account").hexdigest()
AUTH_TOKEN = hashlib.md5(b"hubwire sandbox auth token").hexdigest()


def twilio_error(status: int, code: int, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                         "status": status}, status=status)


def authenticated_sid(request) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        sid, _, token = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return sid if sid == ACCOUNT_SID and hmac.compare_digest(token, AUTH_TOKEN) else None


@route(HOST, "GET", r"/2010-04-01/Accounts/(?P<sid>AC[0-9a-fA-F]{32})\.json")
def account(request, sid: str):
    if authenticated_sid(request) != sid:
        return twilio_error(401, 20003, "Authentication Error - invalid username")
    return JsonResponse({"sid": sid, "friendly_name": "Sandbox Twilio account", "status": "active", "type": "Full",
                         "auth_token": AUTH_TOKEN, "uri": f"/2010-04-01/Accounts/{sid}.json"})
