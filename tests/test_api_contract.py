"""The API's contract: body fields take JSON's own types (no coercion), a PATCH schema says which
fields take null, an action that does not fit the object's state is a 409, and the document
states every status a client can meet."""

import pytest

from hubwire.crm.services import documents
from tests.factories import crm_objects
from tests.test_bad_input import fill, locs, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(workspace):
    return crm_objects(workspace)


COERCED = [
    ("post", "/api/projects", {"account_id": "{accounts}", "name": "P", "start_date": 0}, ("body", "start_date")),
    ("post", "/api/contracts", {"account_id": "{accounts}", "title": "T", "starts_on": 0}, ("body", "starts_on")),
    ("post", "/api/contracts", {"account_id": "{accounts}", "title": "T", "starts_on": "1700000000"}, ("body", "starts_on")),
    ("post", "/api/appointments", {"title": "A", "start": 0, "end": "2030-01-01T10:00:00Z"}, ("body", "start")),
    ("post", "/api/leads", {"name": "A", "value_amount": True}, ("body", "value_amount")),
    ("post", "/api/leads", {"name": "A", "value_amount": "100"}, ("body", "value_amount")),
    ("post", "/api/invoices", {"account_id": "{accounts}", "lines": [{"description": "x", "unit_amount": False}]},
     ("body", "lines", 0, "unit_amount")),
    ("post", "/api/invoices", {"account_id": "{accounts}", "lines": [{"description": "x", "quantity": True, "unit_amount": 1}]},
     ("body", "lines", 0, "quantity")),
    ("post", "/api/quotes", {"account_id": "{accounts}", "title": "Q", "tax_rate_bp": 8.25}, ("body", "tax_rate_bp")),
    ("post", "/api/contacts", {"first_name": "A", "account_id": "1"}, ("body", "account_id")),
    ("patch", "/api/projects/{projects}", {"due_date": 86400}, ("body", "due_date")),
    ("post", "/api/invoices/{invoices}/payments", {"amount": True}, ("body", "amount")),
    ("post", "/api/webhooks/endpoints", {"url": "https://hooks.example.com/in", "enabled": "yes"}, ("body", "enabled")),
]


@pytest.mark.parametrize("method,url,body,loc", COERCED, ids=[f"{c[1]}:{c[3][-1]}" for c in COERCED])
def test_a_body_field_of_the_wrong_json_type_is_refused_not_coerced(api, objects, method, url, body, loc):
    url = url.format(**{key: o.pk for key, o in objects.items()})
    body = fill(body, objects)
    before = snapshot()
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert loc in locs(response), response.json()
    assert snapshot() == before


def test_dates_from_iso_strings_are_still_read(api, objects):
    response = api.post("/api/projects", {"account_id": objects["accounts"].pk, "name": "P", "start_date": "2030-01-31"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["start_date"] == "2030-01-31"


@pytest.mark.parametrize("body", ["null", "[1, 2]", '"name"', "3"])
def test_a_patch_body_that_is_not_an_object_is_a_422(api, objects, body):
    before = snapshot()
    response = api.patch(f"/api/leads/{objects['leads'].pk}", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert locs(response) == [("body",)]
    assert snapshot() == before


def openapi(api) -> dict:
    return api.get("/api/openapi.json").json()


def test_the_patch_schema_takes_null_only_where_the_api_does(api, objects):
    patch = openapi(api)["components"]["schemas"]["ContactPatch"]["properties"]
    assert patch["first_name"] == {"maxLength": 100, "minLength": 1, "title": "First Name", "type": "string"}
    assert {"type": "null"} in patch["account_id"]["anyOf"]

    response = api.patch(f"/api/contacts/{objects['contacts'].pk}", {"first_name": None}, content_type="application/json")
    assert response.status_code == 422 and locs(response) == [("body", "first_name")]
    response = api.patch(f"/api/contacts/{objects['contacts'].pk}", {"account_id": None}, content_type="application/json")
    assert response.status_code == 200 and response.json()["account_id"] is None


def test_the_patch_schema_keeps_the_rules_of_create(api):
    schemas = openapi(api)["components"]["schemas"]
    for name in ("Account", "Contact", "Lead", "Quote", "Invoice", "Appointment", "Project", "Contract", "Endpoint"):
        created, patched = schemas[f"{name}In"]["properties"], schemas[f"{name}Patch"]["properties"]
        assert set(patched) == set(created), name
        for field, rules in patched.items():
            assert "default" not in rules, (name, field)
            assert rules == {k: v for k, v in created[field].items() if k != "default"}, (name, field)


@pytest.fixture
def settled_invoice(workspace, objects):
    """An invoice with nothing due: its only line is free."""
    return documents.invoice_create(workspace=workspace, actor="test", account=objects["accounts"],
                                    lines=[{"description": "Goodwill", "unit_amount": 0}])


@pytest.mark.parametrize("url, body", [("/api/invoices/{pk}/mark-paid", None),
                                       ("/api/invoices/{pk}/payments", {}),
                                       ("/api/invoices/{pk}/payments", {"amount": 100})])
def test_paying_an_invoice_with_nothing_due_is_a_409(api, settled_invoice, url, body):
    before = snapshot()
    response = api.post(url.format(pk=settled_invoice.pk), body, content_type="application/json")
    assert response.status_code == 409, response.content
    assert response.json()["detail"] == f"Nothing is due on {settled_invoice.number}; it takes no payments."
    assert snapshot() == before


@pytest.mark.parametrize("resource, verb", [("quotes", "send"), ("invoices", "send")])
def test_sending_a_document_without_lines_is_a_409(api, workspace, objects, resource, verb):
    create = documents.quote_create if resource == "quotes" else documents.invoice_create
    extra = {"title": "Empty"} if resource == "quotes" else {}
    document = create(workspace=workspace, actor="test", account=objects["accounts"], **extra)
    response = api.post(f"/api/{resource}/{document.pk}/{verb}")
    assert response.status_code == 409, response.content
    assert response.json()["detail"] == f"{document.number} has no lines; add at least one before sending it." \
        if resource == "quotes" else f"{document.number} has no lines; add at least one before issuing it."
    document.refresh_from_db()
    assert document.status == "draft"


def test_every_operation_documents_every_status_it_can_answer(api):
    for path, item in openapi(api)["paths"].items():
        for method, operation in item.items():
            assert {"401", "404", "409", "414", "422"} <= set(operation["responses"]), (method, path)


def test_a_body_that_is_not_json_is_a_documented_422(api):
    response = api.post("/api/leads", "name=Dana", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert locs(response) == [("body",)]

