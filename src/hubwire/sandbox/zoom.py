"""Zoom's REST API at api.zoom.us (providers.md §4.2): the signed-in user."""

from django.http import JsonResponse

from hubwire.sandbox.oauth import bearer
from hubwire.sandbox.routes import route

HOST = "api.zoom.us"


def zoom_error(status: int, code: int, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


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
