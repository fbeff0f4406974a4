"""QuickBooks Online's Accounting API as the sandbox serves it (providers.md §2.2-§2.5), under
/v3/company/{realmId}/ at both of Intuit's API hosts: company info; Customer, Invoice, Item and
Payment create, read, sparse or full update, Invoice and Payment void and delete; the query
language; batch; CDC.

Every call needs a live Intuit access token for that realm (401, or 403 for another company's),
counts against the realm's limits (throttle.py, 429), and a write that carries `requestid` is
answered once: the same requestid again gets the first successful answer and writes nothing. A
Fault wrote nothing, so it is not kept and the same requestid may try again."""

from datetime import datetime, timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import JsonResponse

from hubwire.core.strict_json import BadJson, parse_json
from hubwire.sandbox import clock
from hubwire.sandbox.oauth import bearer
from hubwire.sandbox.quickbooks import entities, query, throttle, wire
from hubwire.sandbox.quickbooks.models import Entity, Replay
from hubwire.sandbox.routes import ERROR_SHAPES, route

HOSTS = ("quickbooks.api.intuit.com", "sandbox-quickbooks.api.intuit.com")
# Each kind by its name in lower case: its path (/customer) and how CDC's `entities` may spell it.
KIND_BY_LOWER = {kind.lower(): kind for kind in entities.KINDS}
_PATH_NAME = "|".join(KIND_BY_LOWER)
CDC_LOOKBACK = timedelta(days=30)  # "changedSince … up to 30 days in the past" (change-data-capture page)
CDC_MAX_OBJECTS = 1000  # "returns a maximum of 1000 objects" (change-data-capture page)


# The gateway's answers to a bad token and to a request past a limit, as wire.platform_fault's arguments.
UNAUTHENTICATED = (401, "AuthenticationFailed", "003200", "Token expired or invalid", "AUTHENTICATION")
THROTTLED = (429, "ThrottleExceeded", "003001", "The request limit was reached.", "SERVICE")


def unauthenticated() -> JsonResponse:
    return wire.platform_fault(*UNAUTHENTICATED)


def throttled() -> JsonResponse:
    return wire.platform_fault(*THROTTLED)


def _error_shape(status: int, message: str) -> dict:
    """How this host answers what no route handles (an unknown path, a test's injected fault)."""
    if status in (401, 429):
        fault = wire.platform_fault_body(*(UNAUTHENTICATED if status == 401 else THROTTLED))
        return {**fault, "time": wire.response_time()}
    kind = "SystemFault" if status >= 500 else "ValidationFault"
    return {**wire.QboFault(str(status), message, message, kind=kind, status=status).body(),
            "time": wire.response_time()}


for _host in HOSTS:
    ERROR_SHAPES[_host] = _error_shape


def company_route(methods: str, pattern: str, *, batch: bool = False):
    """A route under /v3/company/{realmId} on both hosts, answered only for a live token of that
    realm and within its limits; a QboFault raised by the handler becomes its Fault answer."""
    def decorator(handler):
        @wraps(handler)
        def guarded(request, realm_id: str, **kwargs):
            token = bearer(request, "intuit")
            if token is None:
                return unauthenticated()
            if token.subject.get("realm_id") != realm_id:
                return wire.platform_fault(403, "ApplicationAuthorizationFailed", "003100",
                                           "The token does not grant access to this company.", "AUTHORIZATION")
            entities.company(realm_id)
            try:
                throttle.count_request(realm_id, batch=batch)
                with throttle.in_flight(realm_id):
                    return handler(request, realm_id, **kwargs)
            except throttle.Throttled:
                return throttled()
            except wire.QboFault as fault:
                return fault.response()

        for host in HOSTS:
            route(host, methods, r"/v3/company/(?P<realm_id>[0-9]+)" + pattern)(guarded)
        return guarded

    return decorator


def _body(request) -> dict:
    try:
        body = parse_json(request.body or b"")
    except BadJson as bad:
        raise wire.invalid_property("body", bad.reason) from None
    if not isinstance(body, dict):
        raise wire.invalid_property("body", "expected a JSON object")
    return body


def _replayed(request, realm_id: str, produce) -> JsonResponse:
    """Answer a write once per `requestid`: the write and the kept answer commit together, so two
    requests with one requestid never write twice."""
    request_id = request.GET.get("requestid", "")
    if not request_id:
        return wire.answer(produce())
    kept = Replay.objects.filter(realm_id=realm_id, request_id=request_id).first()
    if kept is None:
        try:
            with transaction.atomic(using="sandbox"):
                payload = {**produce(), "time": wire.response_time()}
                kept = Replay.objects.create(realm_id=realm_id, request_id=request_id, status=200, body=payload)
        except IntegrityError:  # another request with this requestid committed first: its answer stands
            kept = Replay.objects.get(realm_id=realm_id, request_id=request_id)
    return JsonResponse(kept.body, status=kept.status)


@company_route("GET", r"/companyinfo/(?P<company_id>[0-9]+)")
def company_info(request, realm_id: str, company_id: str):
    if company_id != realm_id:
        raise wire.object_not_found("CompanyInfo", company_id)
    return wire.answer({"CompanyInfo": entities.company_info(realm_id)})


@company_route("POST", rf"/(?P<path_name>{_PATH_NAME})")
def write(request, realm_id: str, path_name: str):
    kind = KIND_BY_LOWER[path_name]
    operation = request.GET.get("operation", "create")
    if operation == "update" and request.GET.get("include") == "void":
        operation = "void"  # how Intuit's reference spells voiding a payment: ?operation=update&include=void
    body = _body(request)

    def produce():
        return {kind: entities.operate(realm_id, kind, operation, body)}

    return _replayed(request, realm_id, produce)


@company_route("GET", rf"/(?P<path_name>{_PATH_NAME})/(?P<entity_id>[^/]+)")
def read(request, realm_id: str, path_name: str, entity_id: str):
    kind = KIND_BY_LOWER[path_name]
    return wire.answer({kind: entities.read(realm_id, kind, entity_id)})


def run_query(realm_id: str, text: str) -> dict:
    return query.run(realm_id, query.parse(text))


@company_route("GET POST", r"/query")
def query_endpoint(request, realm_id: str):
    """GET ?query=…, or POST with the query as the body (Content-Type application/text)."""
    if request.method == "POST":
        try:
            text = request.body.decode()
        except UnicodeDecodeError:
            raise wire.query_parse_error("the query is not UTF-8 text") from None
    else:
        text = request.GET.get("query", "")
    return wire.answer(run_query(realm_id, text))


@company_route("POST", r"/batch", batch=True)
def batch(request, realm_id: str):
    body = _body(request)
    items = body.get("BatchItemRequest")
    if not isinstance(items, list) or not items:
        raise wire.required_missing("BatchItemRequest")
    most = throttle.limit("BATCH_ITEMS")
    if len(items) > most:
        raise wire.business_validation(f"a batch holds at most {most} operations; this one has {len(items)}",
                                       "BatchItemRequest")
    return _replayed(request, realm_id, lambda: {"BatchItemResponse": [_batch_item(realm_id, i) for i in items]})


def _batch_item(realm_id: str, item) -> dict:
    """One operation of a batch, on its own: its Fault does not undo the others (nor they it)."""
    if not isinstance(item, dict) or not isinstance(item.get("bId"), str) or not item["bId"]:
        return {"bId": item.get("bId", "") if isinstance(item, dict) else "",
                "Fault": wire.required_missing("bId").body()["Fault"]}
    answer = {"bId": item["bId"]}
    try:
        with transaction.atomic(using="sandbox"):
            if "Query" in item:
                return {**answer, **run_query(realm_id, str(item["Query"]))}
            kinds = [k for k in entities.KINDS if k in item]
            if len(kinds) != 1 or not isinstance(item[kinds[0]], dict):
                raise wire.required_missing("BatchItemRequest.entity", "Each batch item needs a Query or exactly "
                                                                       f"one entity object ({', '.join(entities.KINDS)})")
            operation = str(item.get("operation", "create"))
            if item.get("optionsData") == "void":
                operation = "void"
            return {**answer, kinds[0]: entities.operate(realm_id, kinds[0], operation, item[kinds[0]])}
    except wire.QboFault as fault:
        return {**answer, "Fault": fault.body()["Fault"]}


def _changed_since(text: str) -> datetime:
    if not text:
        raise wire.required_missing("changedSince")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise wire.invalid_property("changedSince", "expected a date and time, e.g. 2026-01-31T09:00:00-08:00") \
            from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=wire.COMPANY_ZONE)
    if moment < clock.now() - CDC_LOOKBACK:
        raise wire.business_validation("changedSince may be at most 30 days in the past", "changedSince")
    return moment


@company_route("GET", r"/cdc")
def cdc(request, realm_id: str):
    names = [n.strip() for n in request.GET.get("entities", "").split(",") if n.strip()]
    if not names:
        raise wire.required_missing("entities")
    unknown = [n for n in names if n.lower() not in KIND_BY_LOWER]
    if unknown:
        raise wire.invalid_enumeration("entities", unknown[0])
    since = _changed_since(request.GET.get("changedSince", ""))
    remaining, responses = CDC_MAX_OBJECTS, []
    for kind in dict.fromkeys(KIND_BY_LOWER[n.lower()] for n in names):
        # The oldest changes first, so that a client that got 1000 moves changedSince on and asks again.
        changed = list(Entity.objects.filter(realm_id=realm_id, kind=kind, updated_at__gte=since)
                       .order_by("updated_at", "id")[:remaining])
        remaining -= len(changed)
        objects = [_cdc_object(e) for e in changed]
        responses.append({kind: objects, "startPosition": 1, "maxResults": len(objects),
                          "totalCount": len(objects)} if objects else {})
    return wire.answer({"CDCResponse": [{"QueryResponse": responses}]})


def _cdc_object(entity: Entity) -> dict:
    if entity.deleted:
        return {"domain": "QBO", "status": "Deleted", "Id": entity.entity_id,
                "MetaData": {"LastUpdatedTime": wire.timestamp(entity.updated_at)}}
    return entity.body
