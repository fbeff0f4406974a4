"""The REST API at /api/ (OpenAPI at /api/openapi.json)."""

from django.http import Http404
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
