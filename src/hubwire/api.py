"""The REST API at /api/ (OpenAPI at /api/openapi.json)."""

import re

from django.http import Http404, JsonResponse
from django.urls import resolve
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from hubwire.core.api import WorkspaceKeyAuth, field_error_body
from hubwire.core.errors import FieldError
from hubwire.core.openapi import DocumentedApi
from hubwire.core.strict_json import BadJson, parse_json
from hubwire.crm.api import REFERENCES, routers
from hubwire.crm.services.common import Conflict
from hubwire.events.api import router as events_router
from hubwire.webhooks.api import hooks as rest_hooks_router
from hubwire.webhooks.api import router as webhooks_router


class StrictJsonParser(Parser):
    def parse_body(self, request):
        body = parse_json(request.body)
        if not isinstance(body, dict):  # every body of this API is an object; ninja would read `null` as `{}`
            raise BadJson("The body must be a JSON object.")
        return body


api = DocumentedApi(
    parser=StrictJsonParser(),
    title="hubwire API",
    version="1",
    description="The CRM core of hubwire and its Webhooks Manager. Authenticate with `Authorization: Bearer <workspace API key>`.",
    auth=WorkspaceKeyAuth(),
    urls_namespace="api",
)

for prefix, router in routers.items():
    api.add_router(prefix, router)
api.add_router("/events", events_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/hooks", rest_hooks_router)


@api.exception_handler(FieldError)
def on_field_error(request, exc: FieldError):
    return api.create_response(request, field_error_body(exc.errors, references=REFERENCES), status=422)


@api.exception_handler(Conflict)
def on_conflict(request, exc: Conflict):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    # ninja nests body fields under the parameter name ("payload"); clients only know the body.
    items = [{"loc": [p for i, p in enumerate(e.get("loc", [])) if not (i == 1 and p == "payload")],
              "msg": e.get("msg", "Invalid value"), "type": e.get("type", "value_error")}
             for e in exc.errors]
    return api.create_response(request, {"detail": items}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # ninja answers whatever the parser raised with a bare "Cannot parse request body"; say where and why.
    # 422 with a location, as for any other field (and as FastAPI answers malformed JSON).
    if isinstance(exc.__cause__, BadJson):
        item = {"loc": ["body", *exc.__cause__.path], "msg": exc.__cause__.reason, "type": "json_invalid"}
        return api.create_response(request, {"detail": [item]}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Missing or invalid API key (Authorization: Bearer <key>)."}, status=401)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


class UnknownQueryParameters:
    """An API request naming a query parameter its operation does not have answers 422 naming it,
    as unknown body fields do: a typo such as `?limt=5` is not silently ignored. The allowed names
    come from the OpenAPI document, so they are what clients are told."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed: dict[tuple[str, str], set[str]] | None = None

    def _allowed(self) -> dict[tuple[str, str], set[str]]:
        if self.allowed is None:
            self.allowed = {(method.upper(), path): {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
                            for path, item in api.get_openapi_schema()["paths"].items()
                            for method, op in item.items()}
        return self.allowed

    def __call__(self, request):
        if request.path_info.startswith("/api/") and request.GET:
            try:
                route = resolve(request.path_info).route
            except Http404:
                route = None
            template = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) if route else None
            known = self._allowed().get((request.method, template))
            if known is not None and (unknown := [name for name in request.GET if name not in known]):
                return JsonResponse({"detail": [{"loc": ["query", name], "msg": "Unknown query parameter.",
                                                 "type": "extra_forbidden"} for name in unknown]}, status=422)
        return self.get_response(request)
