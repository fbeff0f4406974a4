"""Google's error envelope for the Calendar API (providers.md §3.4, developers.google.com/calendar/
api/guides/errors): {"error": {"errors": [{"domain", "reason", "message", "locationType"?,
"location"?}], "code", "message"}}."""

from django.http import JsonResponse

from hubwire.sandbox.routes import ERROR_SHAPES

HOST = "www.googleapis.com"

# What a status means when nothing more precise is known (a fault a test injected, an unknown path):
# the reasons the errors guide lists for each status. rateLimitExceeded comes as 403 or 429 (§3.4).
REASONS = {400: ("global", "badRequest"), 401: ("global", "authError"), 403: ("usageLimits", "rateLimitExceeded"),
           404: ("global", "notFound"), 405: ("global", "httpMethodNotAllowed"), 409: ("global", "duplicate"),
           410: ("global", "deleted"), 412: ("global", "conditionNotMet"), 429: ("usageLimits", "rateLimitExceeded")}


def envelope(status: int, message: str, reason: str = "", *, domain: str = "", location: str = "",
             location_type: str = "parameter") -> dict:
    default_domain, default_reason = REASONS.get(status, ("global", "backendError"))
    error = {"domain": domain or default_domain, "reason": reason or default_reason, "message": message}
    if location:
        error |= {"locationType": location_type, "location": location}
    return {"error": {"errors": [error], "code": status, "message": message}}


def google_error(status: int, message: str, reason: str = "", **where) -> JsonResponse:
    return JsonResponse(envelope(status, message, reason, **where), status=status)


def bad_field(message: str, field: str, reason: str = "invalid") -> JsonResponse:
    """A 400 naming the body field or query parameter at fault."""
    return google_error(400, message, reason, location=field)


ERROR_SHAPES[HOST] = envelope
