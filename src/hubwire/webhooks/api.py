"""REST routes of the Webhooks Manager (/api/webhooks/…) and Zapier's REST hooks (/api/hooks)."""

from datetime import datetime
from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool, WithJsonSchema

from hubwire.core.api import ERRORS, page_schema
from hubwire.core.api_pages import PageQuery, paginate
from hubwire.core.schema_types import HTTP_URL, Formatted, PathId, SaneDateTime, Text, partial, refused_by
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.events import catalog
from hubwire.webhooks import services
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint, Preset, Source

router = Router(tags=["Webhooks"])
hooks = Router(tags=["Zapier REST hooks"])


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    preset: Preset
    source: Source
    header_names: list[str]
    disabled_reason: str
    failing_since: datetime | None
    last_success_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_header_names(obj: Endpoint) -> list[str]:
        return sorted(obj.headers or {})  # values may be credentials: never answered back


class EndpointCreated(EndpointOut):
    secret: str  # answered once, here


# The rules of an endpoint's fields are the service's own checks (one function each), so the API
# refuses exactly what the Manager's page refuses, in the same words; the schema states them.
WebhookUrl = Formatted(services.url_problem_of, format="uri", pattern=HTTP_URL, max_length=services.URL_MAX_LENGTH,
                       trimmed=True)


class CatalogNames:
    """The JSON schema of an event type's name: the catalog's names, read when the document is built
    (apps define their event types at start-up, which may be after this module is imported)."""

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict:
        return {"type": "string", "enum": sorted(catalog.CATALOG)}


EventType = Annotated[str, CatalogNames()]
Headers = Annotated[dict[str, str], refused_by(services.headers_problem), WithJsonSchema({
    "type": "object",
    "propertyNames": {"minLength": 1, "maxLength": 100, "pattern": f"^{services.HEADER_NAME.pattern}$"},
    "additionalProperties": {"type": "string", "pattern": "^[^\\r\\n]*$"},
    "description": "Sent with every delivery, name → value (one line each). The headers hubwire sets itself "
                   f"({', '.join(sorted(services.RESERVED_HEADERS))}) cannot be replaced."})]


class EndpointIn(Schema):
    url: WebhookUrl
    description: Text(300) = ""
    event_types: Annotated[list[EventType], refused_by(services.event_types_problem)] = Field(
        [], description="The event types it receives; none means all.")
    preset: Preset = Preset.GENERIC
    headers: Headers = {}
    enabled: StrictBool = True


EndpointPatch = partial(EndpointIn, "EndpointPatch")


class SecretOut(Schema):
    secret: str
    previous_secret_valid_until: datetime


class ReplayIn(Schema):
    since: SaneDateTime


class CountOut(Schema):
    queued: int


class AttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    request_headers: dict
    response_status: int | None
    response_headers: dict
    response_excerpt: str
    error: str


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: str | None
    event_type: str
    webhook_id: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None

    @staticmethod
    def resolve_event_id(obj: Delivery) -> str | None:
        return str(obj.event_id) if obj.event_id else None

    @staticmethod
    def resolve_next_attempt_at(obj: Delivery):
        return obj.next_attempt_at if obj.status == DeliveryStatus.PENDING else None


class DeliveryDetail(DeliveryOut):
    body: str
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_attempt_log(obj: Delivery):
        return list(obj.attempt_log.all())


class DeliveryFilter(PageQuery):
    endpoint_id: PathId | None = None
    status: DeliveryStatus | None = None
    event_type: str | None = None


def _endpoint(request, id) -> Endpoint:
    return get_scoped(Endpoint, request.auth.workspace, id)


@router.get("/endpoints", response={200: list[EndpointOut], **ERRORS}, operation_id="list_webhook_endpoints",
            summary="List outbound webhook endpoints")
def list_endpoints(request):
    return list(scoped(Endpoint, request.auth.workspace))


@router.post("/endpoints", response={201: EndpointCreated, **ERRORS}, operation_id="create_webhook_endpoint",
             summary="Create an endpoint; the answer carries its signing secret, the only time it is shown")
def create_endpoint(request, payload: EndpointIn):
    return Status(201, services.endpoint_create(workspace=request.auth.workspace, **payload.model_dump()))


@router.get("/endpoints/{id}", response={200: EndpointOut, **ERRORS}, operation_id="get_webhook_endpoint",
            summary="Get an endpoint")
def get_endpoint(request, id: PathId):
    return _endpoint(request, id)


@router.patch("/endpoints/{id}", response={200: EndpointOut, **ERRORS}, operation_id="update_webhook_endpoint",
              summary="Update an endpoint (enabled=true re-enables one hubwire disabled)")
def update_endpoint(request, id: PathId, payload: EndpointPatch):
    return services.endpoint_update(endpoint=_endpoint(request, id), **payload.model_dump(exclude_unset=True))


@router.delete("/endpoints/{id}", response={204: None, **ERRORS}, operation_id="delete_webhook_endpoint",
               summary="Delete an endpoint and its delivery log")
def delete_endpoint(request, id: PathId):
    services.endpoint_delete(endpoint=_endpoint(request, id), why=f"through the API (key {request.auth.name})")
    return Status(204, None)


@router.post("/endpoints/{id}/rotate-secret", response={200: SecretOut, **ERRORS},
             operation_id="rotate_webhook_secret",
             summary="A new signing secret; for 24 hours deliveries carry the old and the new signature")
def rotate_secret(request, id: PathId):
    endpoint = _endpoint(request, id)
    secret = services.endpoint_rotate_secret(endpoint=endpoint)
    return {"secret": secret, "previous_secret_valid_until": endpoint.previous_secret_until}


@router.post("/endpoints/{id}/test", response={202: DeliveryOut, **ERRORS}, operation_id="send_webhook_test",
             summary="Send a test event (type webhook.test) to the endpoint")
def send_test(request, id: PathId):
    return Status(202, services.endpoint_send_test(endpoint=_endpoint(request, id)))


@router.post("/endpoints/{id}/replay", response={202: CountOut, **ERRORS}, operation_id="replay_webhook_failures",
             summary="Send again every failed delivery of the endpoint created since a time")
def replay(request, id: PathId, payload: ReplayIn):
    return Status(202, {"queued": services.endpoint_replay_failed(endpoint=_endpoint(request, id),
                                                                  since=payload.since)})


@router.get("/deliveries", response={200: page_schema(DeliveryOut), **ERRORS}, operation_id="list_webhook_deliveries",
            summary="The delivery log, newest first, optionally filtered")
def list_deliveries(request, filters: Query[DeliveryFilter]):
    qs = scoped(Delivery, request.auth.workspace)
    if filters.endpoint_id:
        qs = qs.filter(endpoint_id=filters.endpoint_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.event_type:
        qs = qs.filter(event_type=filters.event_type)
    return paginate(qs, filters)


@router.get("/deliveries/{id}", response={200: DeliveryDetail, **ERRORS}, operation_id="get_webhook_delivery",
            summary="One delivery with its body and every attempt")
def get_delivery(request, id: PathId):
    return get_scoped(Delivery, request.auth.workspace, id)


@router.post("/deliveries/{id}/resend", response={202: DeliveryOut, **ERRORS}, operation_id="resend_webhook_delivery",
             summary="Send a delivery again, with the same webhook-id and body")
def resend(request, id: PathId):
    delivery = get_scoped(Delivery, request.auth.workspace, id)
    services.delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    return Status(202, delivery)


# --- Zapier REST hooks (docs.zapier.com: REST hook triggers) -----------------------------------------

class HookIn(Schema):
    target_url: WebhookUrl
    event: Annotated[EventType, refused_by(services.rest_hook_event_problem)]


class HookOut(Schema):
    id: int


@hooks.post("", response={201: HookOut, **ERRORS}, operation_id="subscribe_rest_hook",
            summary="Zapier subscribes: deliveries of `event` go to `target_url` until it answers 410 or unsubscribes")
def subscribe(request, payload: HookIn):
    endpoint = services.rest_hook_subscribe(workspace=request.auth.workspace, target_url=payload.target_url,
                                            event=payload.event)
    return Status(201, {"id": endpoint.pk})


@hooks.delete("/{id}", response={204: None, **ERRORS}, operation_id="unsubscribe_rest_hook",
              summary="Zapier unsubscribes")
def unsubscribe(request, id: PathId):
    endpoint = get_scoped(Endpoint, request.auth.workspace, id)
    if endpoint.source != Source.REST_HOOK:  # the API key may not delete a Manager endpoint through this door
        return Status(404, {"detail": "Not found."})
    services.endpoint_delete(endpoint=endpoint, why="Zapier unsubscribed")
    return Status(204, None)

