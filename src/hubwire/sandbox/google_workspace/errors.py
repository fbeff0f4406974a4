"""Google's error envelope as the Directory API answers it (providers.md §5 "Errors"):
{"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}}. A handler
raises DirectoryError; the route (access.py) answers it, having changed nothing."""

from django.http import JsonResponse

from hubwire.sandbox.routes import ERROR_SHAPES

HOST = "admin.googleapis.com"

# google.rpc.Code names Google puts in "status" beside the HTTP code.
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                405: "METHOD_NOT_ALLOWED", 409: "ALREADY_EXISTS", 412: "FAILED_PRECONDITION",
                429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
# The reason when nothing more precise is known (an unknown path, a fault the framework injected).
REASONS = {400: "badRequest", 401: "authError", 403: "forbidden", 404: "notFound", 405: "httpMethodNotAllowed",
           409: "duplicate", 429: "rateLimitExceeded", 500: "backendError", 503: "backendError"}
# Quota reasons live in the usageLimits domain (developers.google.com/admin-sdk/directory/v1/limits).
USAGE_LIMIT_REASONS = {"userRateLimitExceeded", "quotaExceeded", "rateLimitExceeded"}

FORBIDDEN = "Not Authorized to access this resource/api"
QUOTA_MESSAGES = {
    "userRateLimitExceeded": "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' "
                             "of service 'admin.googleapis.com'.",
    "quotaExceeded": "Quota exceeded: too many concurrent requests for this operation.",
    "rateLimitExceeded": "Rate Limit Exceeded",
    "backendError": "Backend Error",
}


def envelope(status: int, message: str, reason: str = "") -> dict:
    reason = reason or REASONS.get(status, "backendError")
    domain = "usageLimits" if reason in USAGE_LIMIT_REASONS else "global"
    error = {"code": status, "message": message, "errors": [{"domain": domain, "reason": reason, "message": message}]}
    if status in STATUS_NAMES:
        error["status"] = STATUS_NAMES[status]
    return {"error": error}


class DirectoryError(Exception):
    def __init__(self, status: int, message: str, reason: str = ""):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason

    def response(self) -> JsonResponse:
        return JsonResponse(envelope(self.status, self.message, self.reason), status=self.status)


def forbidden() -> DirectoryError:
    """What a caller without the privilege gets, and an insert on a domain the customer has not verified."""
    return DirectoryError(403, FORBIDDEN, "forbidden")


def not_found(key: str) -> DirectoryError:
    """key: "userKey", "groupKey", "memberKey" or "domainName", as Google names the parameter."""
    return DirectoryError(404, f"Resource Not Found: {key}", "notFound")


def invalid(message: str, reason: str = "invalid") -> DirectoryError:
    return DirectoryError(400, message, reason)


def required(field: str) -> DirectoryError:
    return DirectoryError(400, f"Invalid Input: {field} is required", "required")


ERROR_SHAPES[HOST] = envelope
