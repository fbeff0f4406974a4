"""What the API holds a value to, it says and it does: a malformed email address, web link or webhook
setting is a 422 naming the field in the words the service uses (the service's own check runs in
the schema), nothing is written, and the OpenAPI document states the formats, lengths and enums,
with each length equal to its column."""

import json
from datetime import datetime

import jsonschema_rs
import pytest
from django.db import models

from hubwire.core.errors import FieldError
from hubwire.crm import models as m
from hubwire.crm.services import people, scheduling
from hubwire.events import catalog
from hubwire.webhooks import services as webhooks
from hubwire.webhooks.models import Endpoint
from tests.factories import crm_objects
from tests.test_bad_input import snapshot

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.example.com/in"
START, END = "2030-01-07T15:00:00Z", "2030-01-07T16:00:00Z"


@pytest.fixture
def objects(workspace):
    return {**crm_objects(workspace), "endpoints": webhooks.endpoint_create(workspace=workspace, url=HOOK)}


def send(api, method: str, url: str, body: dict):
    return getattr(api, method)(url, json.dumps(body), content_type="application/json")


def written(objects) -> dict:
    """Every row count, and every field of the objects a PATCH could change."""
    rows = {key: {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
            for key, row in ((key, type(obj).objects.get(pk=obj.pk)) for key, obj in objects.items())}
    return {"counts": {**snapshot(), "Endpoint": Endpoint.objects.count()}, "rows": rows}


# (method, url, body, field, the service that judges the same input on a page or an inbound hook)
MALFORMED = [
    ("post", "/api/accounts", {"name": "A", "email": "dana.example.com"}, "email",
     lambda ws, o, body: people.account_create(workspace=ws, actor="t", **body)),
    ("post", "/api/accounts", {"name": "A", "website": "acme dot com"}, "website",
     lambda ws, o, body: people.account_create(workspace=ws, actor="t", **body)),
    ("patch", "/api/accounts/{accounts}", {"website": "ftp://acme.example.com"}, "website",
     lambda ws, o, body: people.account_update(account=o["accounts"], actor="t", **body)),
    # Judged as sent, as the service judges it: an address with a space before it is not one.
    ("patch", "/api/accounts/{accounts}", {"email": " dana@acme.example.com"}, "email",
     lambda ws, o, body: people.account_update(account=o["accounts"], actor="t", **body)),
    ("post", "/api/contacts", {"first_name": "A", "email": "maya@"}, "email",
     lambda ws, o, body: people.contact_create(workspace=ws, actor="t", **body)),
    ("patch", "/api/contacts/{contacts}", {"email": "maya@acme"}, "email",
     lambda ws, o, body: people.contact_update(contact=o["contacts"], actor="t", **body)),
    ("post", "/api/leads", {"name": "A", "email": "priya at example.com"}, "email",
     lambda ws, o, body: people.lead_create(workspace=ws, actor="t", **body)),
    ("patch", "/api/leads/{leads}", {"email": "@example.com"}, "email",
     lambda ws, o, body: people.lead_update(lead=o["leads"], actor="t", **body)),
    ("post", "/api/appointments", {"title": "A", "start": START, "end": END, "meeting_url": "zoom.us/j/123"},
     "meeting_url", lambda ws, o, body: scheduling.appointment_book(workspace=ws, actor="t", **body)),
    ("patch", "/api/appointments/{appointments}", {"meeting_url": "javascript:alert(1)"}, "meeting_url",
     lambda ws, o, body: scheduling.appointment_update(appointment=o["appointments"], actor="t", **body)),
    ("post", "/api/webhooks/endpoints", {"url": "hooks.example.com/in"}, "url",
     lambda ws, o, body: webhooks.endpoint_create(workspace=ws, **body)),
    ("patch", "/api/webhooks/endpoints/{endpoints}", {"url": "https://hooks example.com/in"}, "url",
     lambda ws, o, body: webhooks.endpoint_update(endpoint=o["endpoints"], **body)),
    ("post", "/api/webhooks/endpoints", {"url": "http://127.0.0.1:8000/in"}, "url",
     lambda ws, o, body: webhooks.endpoint_create(workspace=ws, **body)),
    ("post", "/api/webhooks/endpoints", {"url": HOOK, "headers": {"Api Key": "x"}}, "headers",
     lambda ws, o, body: webhooks.endpoint_create(workspace=ws, **body)),
    ("patch", "/api/webhooks/endpoints/{endpoints}", {"headers": {"X-Token": "a\r\nX-Injected: 1"}}, "headers",
     lambda ws, o, body: webhooks.endpoint_update(endpoint=o["endpoints"], **body)),
    ("post", "/api/webhooks/endpoints", {"url": HOOK, "headers": {"Webhook-Signature": "forged"}}, "headers",
     lambda ws, o, body: webhooks.endpoint_create(workspace=ws, **body)),
    ("post", "/api/webhooks/endpoints", {"url": HOOK, "event_types": ["lead.created", "lead.exploded"]}, "event_types",
     lambda ws, o, body: webhooks.endpoint_create(workspace=ws, **body)),
    ("post", "/api/hooks", {"target_url": "ftp://hooks.example.com/in", "event": "lead.created"}, "target_url",
     lambda ws, o, body: webhooks.rest_hook_subscribe(workspace=ws, **body)),
    ("post", "/api/hooks", {"target_url": HOOK, "event": "lead.exploded"}, "event",
     lambda ws, o, body: webhooks.rest_hook_subscribe(workspace=ws, **body)),
    ("post", "/api/hooks", {"target_url": HOOK, "event": ""}, "event",
     lambda ws, o, body: webhooks.rest_hook_subscribe(workspace=ws, **body)),
]


def parsed(body: dict) -> dict:
    # The services take datetimes; the API reads them from ISO 8601 strings.
    return {k: datetime.fromisoformat(v) if k in ("start", "end") else v for k, v in body.items()}


@pytest.mark.parametrize("method,url,body,field,service", MALFORMED,
                         ids=[f"{c[0]} {c[1]}:{c[3]}" for c in MALFORMED])
def test_a_malformed_value_is_a_422_naming_the_field_in_the_services_words(api, workspace, objects, settings, method,
                                                                           url, body, field, service):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = False  # as in production: 127.0.0.1 is refused
    with pytest.raises(FieldError) as refused:
        service(workspace, objects, parsed(body))
    before = written(objects)

    response = send(api, method, url.format(**{k: o.pk for k, o in objects.items()}), body)

    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [{"loc": ["body", field], "msg": refused.value.errors[field], "type": "value_error"}]
    assert written(objects) == before


@pytest.mark.parametrize("method,url,body,field", [
    ("post", "/api/accounts", {"name": "A", "website": "https://acme.example.com/" + "a" * 200}, "website"),
    ("post", "/api/contacts", {"first_name": "A", "email": "maya@" + "a" * 250 + ".com"}, "email"),
    ("patch", "/api/appointments/{appointments}", {"meeting_url": "https://zoom.us/j/" + "1" * 500}, "meeting_url"),
    ("post", "/api/webhooks/endpoints", {"url": HOOK + "/" + "a" * 2000}, "url"),
    ("post", "/api/webhooks/endpoints", {"url": HOOK, "description": "d" * 301}, "description"),
    ("patch", "/api/webhooks/endpoints/{endpoints}", {"headers": {"X-" + "a" * 99: "1"}}, "headers"),
    ("post", "/api/hooks", {"target_url": HOOK + "/" + "a" * 2000, "event": "lead.created"}, "target_url"),
])
def test_a_value_longer_than_its_column_is_a_422_naming_the_field(api, objects, method, url, body, field):
    before = written(objects)
    response = send(api, method, url.format(**{k: o.pk for k, o in objects.items()}), body)
    assert response.status_code == 422, response.content
    assert [item["loc"] for item in response.json()["detail"]] == [["body", field]]
    assert written(objects) == before


def test_the_api_still_takes_what_it_took(api, objects):
    account = f"/api/accounts/{objects['accounts'].pk}"
    answer = send(api, "patch", account, {"email": "Dana@Example.COM", "website": "https://acme.example.com/about"}).json()
    assert (answer["email"], answer["website"]) == ("dana@example.com", "https://acme.example.com/about")
    # An internationalised address is an address (the document's `email` is the stricter ASCII form).
    assert send(api, "patch", account, {"email": "dana@bücher.de"}).json()["email"] == "dana@bücher.de"
    cleared = send(api, "patch", account, {"email": "", "website": ""}).json()
    assert (cleared["email"], cleared["website"]) == ("", "")

    meeting = send(api, "patch", f"/api/appointments/{objects['appointments'].pk}",
                   {"meeting_url": "https://zoom.us/j/123?pwd=abc"})
    assert meeting.json()["meeting_url"] == "https://zoom.us/j/123?pwd=abc"

    created = send(api, "post", "/api/webhooks/endpoints", {"url": f"  {HOOK}/trimmed  ", "description": "d" * 300,
                                                            "headers": {"X-Token": "secret value"},
                                                            "event_types": ["lead.created", "lead.created"]})
    assert created.status_code == 201, created.content
    assert (created.json()["url"], created.json()["event_types"]) == (f"{HOOK}/trimmed", ["lead.created"])
    subscribed = send(api, "post", "/api/hooks", {"target_url": HOOK, "event": "invoice.paid"})
    assert subscribed.status_code == 201, subscribed.content


@pytest.mark.parametrize("value", ["a@localhost", "x@y", '"a b"@example.com', "a@1.2.3.4", "a@[127.0.0.1]",
                                   "A+tag@Example.io", "http://localhost:8000/x", "https://bücher.de/ä",
                                   "http://x", "http://a_b.example.com", "HTTP://X.EXAMPLE.COM", "http://x.example.com:99999"])
def test_the_api_and_the_service_take_and_refuse_the_same_values(api, workspace, value):
    for field in ("email", "website"):
        try:
            people.account_create(workspace=workspace, actor="t", name="Service", **{field: value})
            service_says = None
        except FieldError as exc:
            service_says = exc.errors[field]
        response = send(api, "post", "/api/accounts", {"name": "API", field: value})
        if service_says is None:
            assert response.status_code == 201, (field, response.content)
        else:
            assert response.status_code == 422 and response.json()["detail"][0]["msg"] == service_says, field


def test_an_error_of_each_kind_comes_in_one_answer(api):
    """The checks of single values (formats, a phone number, a currency, a time zone, an endpoint's
    settings) all run in the schema, so a client learns of every bad value at once."""
    lead = send(api, "post", "/api/leads", {"name": "A", "email": "nope", "phone": "12", "currency": "XYZ"})
    assert {tuple(item["loc"]) for item in lead.json()["detail"]} == {("body", "email"), ("body", "phone"),
                                                                       ("body", "currency")}
    appointment = send(api, "post", "/api/appointments", {"title": "A", "start": START, "end": END,
                                                          "time_zone": "Mars/Olympus", "meeting_url": "zoom"})
    assert {tuple(item["loc"]) for item in appointment.json()["detail"]} == {("body", "time_zone"),
                                                                             ("body", "meeting_url")}
    endpoint = send(api, "post", "/api/webhooks/endpoints", {"url": "hooks.example.com", "description": "d" * 301,
                                                             "headers": {"Host": "x"}, "event_types": ["lead.exploded"]})
    assert {tuple(item["loc"]) for item in endpoint.json()["detail"]} == {
        ("body", "url"), ("body", "description"), ("body", "headers"), ("body", "event_types")}


# --- the document ------------------------------------------------------------------------------------

def document(api) -> dict:
    return api.get("/api/openapi.json").json()["components"]["schemas"]


def email(max_length: int = 254) -> dict:
    return {"anyOf": [{"type": "string", "format": "email", "maxLength": max_length},
                      {"type": "string", "maxLength": 0}]}


def web_url(max_length: int) -> dict:
    return {"type": "string", "format": "uri", "maxLength": max_length, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}


def rules(field: dict) -> dict:
    return {k: v for k, v in field.items() if k not in ("title", "default", "description")}


def test_the_document_states_the_formats(api):
    schemas = document(api)
    for kind in ("In", "Patch"):
        for name in ("Account", "Contact", "Lead"):
            assert rules(schemas[f"{name}{kind}"]["properties"]["email"]) == email(), (name, kind)
        assert rules(schemas[f"Account{kind}"]["properties"]["website"]) == {"anyOf": [web_url(200),
                                                                                        {"type": "string", "maxLength": 0}]}
        assert rules(schemas[f"Appointment{kind}"]["properties"]["meeting_url"])["anyOf"][0] == web_url(500)
        endpoint = schemas[f"Endpoint{kind}"]["properties"]
        assert rules(endpoint["url"]) == web_url(2000)
        assert rules(endpoint["description"]) == {"type": "string", "maxLength": 300}
        assert endpoint["event_types"]["items"] == {"type": "string", "enum": sorted(catalog.CATALOG)}
        assert endpoint["headers"]["propertyNames"]["maxLength"] == 100
    hook = schemas["HookIn"]["properties"]
    assert rules(hook["target_url"]) == web_url(2000)
    assert rules(hook["event"]) == {"type": "string", "enum": sorted(catalog.CATALOG)}


def test_the_documents_patterns_read_as_the_service_reads_them(api):
    """The patterns are ECMA-262 (what clients run), not Python's: checked by a JSON Schema validator."""
    headers = jsonschema_rs.Draft202012Validator(document(api)["EndpointIn"]["properties"]["headers"])
    url = jsonschema_rs.Draft202012Validator(document(api)["EndpointIn"]["properties"]["url"], validate_formats=True)
    for value in [{"X-Token": "a b"}, {"Authorization": "Bearer x"}, {"a" * 100: ""}]:
        assert headers.is_valid(value) and not webhooks.headers_problem(value), value
    for value in [{"Api Key": "x"}, {"X-Token": "a\nb"}, {"X-Token": "a\rb"}, {"a" * 101: "x"}, {"": "x"}]:
        assert not headers.is_valid(value) and webhooks.headers_problem(value), value
    assert url.is_valid(HOOK) and url.is_valid("HTTP://hooks.example.com")
    assert not url.is_valid("ftp://hooks.example.com") and not url.is_valid("hooks.example.com/in")


# Each input schema and the model it writes. Phone is the one length that is not the column's: it
# takes any format ("(212) 555-1234 ext. 5", up to 40 characters) and stores the E.164 form.
WRITES = {"AccountIn": m.Account, "ContactIn": m.Contact, "LeadIn": m.Lead, "QuoteIn": m.Quote, "InvoiceIn": m.Invoice,
          "LineIn": m.InvoiceLine, "PaymentIn": m.Payment, "AppointmentIn": m.Appointment, "ProjectIn": m.Project,
          "ContractIn": m.Contract, "MessageIn": m.Message, "EndpointIn": Endpoint}
NOT_THE_COLUMN = {"phone"}


def stated_max_length(field: dict) -> int | None:
    lengths = [branch["maxLength"] for branch in [field, *field.get("anyOf", [])] if "maxLength" in branch]
    return max(lengths) if lengths else None


def test_every_length_in_the_document_is_its_columns(api):
    schemas, checked = document(api), 0
    for name, model in WRITES.items():
        for field_name, field in schemas[name]["properties"].items():
            try:
                column = model._meta.get_field(field_name)
            except models.FieldDoesNotExist:
                continue
            if not isinstance(column, models.CharField) or field_name in NOT_THE_COLUMN:
                continue
            if column.choices:
                continue  # an enum states its values
            stated = stated_max_length(field)
            if stated is None:  # only a fixed pattern may stand for the length (currency: three letters)
                assert field.get("pattern") == "^[A-Za-z]{3}$" and column.max_length == 3, (name, field_name)
            else:
                assert stated == column.max_length, (name, field_name, stated, column.max_length)
            checked += 1
    assert checked >= 25
