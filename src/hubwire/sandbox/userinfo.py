"""The sandbox Google's OpenID Connect userinfo endpoint (openidconnect.googleapis.com/v1/userinfo):
who the bearer token's Google account is. An emulator adds the claims it knows of (the Workspace
emulator: `hd`, the account's Workspace domain, and its directory id as `sub`) through
@userinfo_claims, so this module names none of them."""

from collections.abc import Callable

from django.http import JsonResponse

from hubwire.sandbox.oauth import bearer
from hubwire.sandbox.routes import ERROR_SHAPES, route

HOST = "openidconnect.googleapis.com"

# Each takes the account's email and answers the claims to add or replace ({} for none).
CLAIMS: list[Callable[[str], dict]] = []


def userinfo_claims(claims: Callable[[str], dict]) -> Callable[[str], dict]:
    CLAIMS.append(claims)
    return claims


def oauth_error_shape(status: int, message: str) -> dict:
    return {"error": "invalid_request", "error_description": message}


@route(HOST, "GET POST", "/v1/userinfo")
def userinfo(request):
    token = bearer(request, "google")
    if token is None:
        response = JsonResponse(oauth_error_shape(401, "Invalid Credentials"), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
        return response
    subject = token.subject
    answer = {"sub": subject["user_id"], "name": f"{subject['first_name']} {subject['last_name']}",
              "given_name": subject["first_name"], "family_name": subject["last_name"],
              "email": subject["email"], "email_verified": True}
    for claims in CLAIMS:
        answer |= claims(subject["email"])
    return JsonResponse(answer)


ERROR_SHAPES[HOST] = oauth_error_shape
