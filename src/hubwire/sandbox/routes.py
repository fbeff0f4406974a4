"""The sandbox's router: (real host, method, path pattern) -> handler, plus what every request gets:
the on/off guard, injected faults, and the call log."""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from hubwire.core.redaction import mark_secret_path
from hubwire.core.strict_json import BadJson, parse_json
from hubwire.sandbox.models import Call, Fault


@dataclass(frozen=True)
class Route:
    host: str
    methods: frozenset
    pattern: re.Pattern
    handler: object


ROUTES: list[Route] = []
# Per host: how that provider shapes an error body (status, message) -> dict.
ERROR_SHAPES: dict[str, object] = {}


def route(host: str, methods: str, pattern: str, *, secret: str = ""):
    """secret: the name of the pattern's group that is a credential (a link's token), kept out of logs."""
    def decorator(handler):
        ROUTES.append(Route(host, frozenset(methods.split()), re.compile(pattern + r"\Z"), handler))
        if secret:
            mark_secret_path(re.escape(host) + pattern, secret)
        return handler

    return decorator


def remove_host(host: str) -> None:
    """Forget every route and the error shape of `host` (an emulator a test installed, once done)."""
    ROUTES[:] = [r for r in ROUTES if r.host != host]
    ERROR_SHAPES.pop(host, None)


def error_body(host: str, status: int, message: str) -> dict:
    shape = ERROR_SHAPES.get(host)
    return shape(status, message) if shape else {"error": {"code": status, "message": message}}


def require_sandbox() -> None:
    if not settings.HUBWIRE_SANDBOX:
        raise Http404("The sandbox is off (HUBWIRE_SANDBOX).")


def _take_fault(host: str, method: str, path: str) -> Fault | None:
    with transaction.atomic(using="sandbox"):
        for fault in Fault.objects.filter(host=host, remaining__gt=0).order_by("id"):
            if path.startswith(fault.path_prefix) and fault.method in ("", method):
                Fault.objects.filter(pk=fault.pk).update(remaining=fault.remaining - 1)
                return fault
    return None


@csrf_exempt
def dispatch(request, host: str, path: str):
    require_sandbox()
    path = "/" + path
    note = request.POST.get("grant_type", "") if request.method == "POST" and request.content_type == \
        "application/x-www-form-urlencoded" else ""
    fault = _take_fault(host, request.method, path)
    if fault and not fault.status:
        response = _route(request, host, path)
        time.sleep(fault.delay_seconds)
    elif fault:
        response = JsonResponse(error_body(host, fault.status, "Sandbox fault injected by a test hook"),
                                status=fault.status)
        if fault.retry_after:
            response["Retry-After"] = fault.retry_after
    else:
        response = _route(request, host, path)
    note = getattr(request, "sandbox_note", "") or note  # a handler may say what to log (the receiver does)
    Call.objects.create(host=host, method=request.method, path=path, status=response.status_code, note=note[:100])
    return response


def _route(request, host: str, path: str) -> HttpResponse:
    allowed = False
    for candidate in ROUTES:
        if candidate.host != host:
            continue
        match = candidate.pattern.match(path)
        if match is None:
            continue
        if request.method not in candidate.methods:
            allowed = True
            continue
        return candidate.handler(request, **match.groupdict())
    if allowed:
        return JsonResponse(error_body(host, 405, "Method not allowed"), status=405)
    return JsonResponse(error_body(host, 404, f"No such endpoint in the {host} sandbox: {path}"), status=404)


def json_object(request) -> dict | None:
    """The request's body as a JSON object (an empty body is {}), or None when it is anything else,
    for an emulator to answer with its provider's parse error."""
    try:
        data = parse_json(request.body or b"{}")
    except BadJson:
        return None
    return data if isinstance(data, dict) else None


def json_request(request) -> dict:
    """The request's JSON object, or {} (the test hooks, which also take form fields)."""
    return json_object(request) or {}
