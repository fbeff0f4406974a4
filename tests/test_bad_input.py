"""Bad input: every kind the issue names gets a clear error naming the field, and nothing is written."""

import pytest

from hubwire.crm import models as m
from hubwire.events.models import Event
from tests.conftest import logged_in
from tests.factories import crm_objects

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(workspace):
    return crm_objects(workspace)


def snapshot():
    """Counts of everything a write could touch."""
    return {model.__name__: model.objects.count() for model in
            (m.Account, m.Contact, m.Lead, m.Quote, m.QuoteLine, m.Invoice, m.InvoiceLine, m.Payment, m.Appointment,
             m.Project, m.Contract, m.Message, Event)}


def locs(response) -> list:
    return [tuple(item["loc"]) for item in response.json()["detail"]]


API_BAD_INPUT = [
    # (kind, method, url template, body, expected location in the body)
    ("missing field", "post", "/api/leads", {"company": "No name"}, ("body", "name")),
    ("missing field", "post", "/api/invoices", {"lines": []}, ("body", "account_id")),
    ("empty required text", "post", "/api/accounts", {"name": ""}, ("body", "name")),
    ("wrong type", "post", "/api/leads", {"name": "A", "value_amount": "lots"}, ("body", "value_amount")),
    ("wrong type", "post", "/api/appointments", {"title": "A", "start": "tomorrow-ish", "end": "2030-01-01T10:00"}, ("body", "start")),
    ("wrong type", "patch", "/api/leads/{leads}", {"status": "on fire"}, ("body", "status")),
    ("unknown id", "post", "/api/contacts", {"first_name": "A", "account_id": 999999}, ("body", "account_id")),
    ("unknown id", "post", "/api/quotes", {"title": "Q", "account_id": 424242}, ("body", "account_id")),
    ("unknown id", "post", "/api/messages", {"account_id": 31337, "body": "hi"}, ("body", "account_id")),
    ("negative amount", "post", "/api/invoices", {"account_id": "{accounts}", "lines": [{"description": "x", "unit_amount": -100}]},
     ("body", "lines", 0, "unit_amount")),
    ("negative amount", "post", "/api/leads", {"name": "A", "value_amount": -1}, ("body", "value_amount")),
    ("negative amount", "post", "/api/invoices/{invoices}/payments", {"amount": -500}, ("body", "amount")),
    ("invalid phone", "post", "/api/contacts", {"first_name": "A", "phone": "12"}, ("body", "phone")),
    ("invalid phone", "patch", "/api/accounts/{accounts}", {"phone": "+1 555"}, ("body", "phone")),
    ("end before start", "post", "/api/appointments",
     {"title": "A", "start": "2030-01-01T10:00:00", "end": "2030-01-01T09:00:00", "time_zone": "Europe/Paris"}, ("body", "end")),
    ("end before start", "patch", "/api/appointments/{appointments}", {"end": "2020-01-01T00:00:00Z"}, ("body", "end")),
    ("end before start", "post", "/api/projects", {"account_id": "{accounts}", "name": "P", "start_date": "2030-02-01",
                                                  "due_date": "2030-01-01"}, ("body", "due_date")),
    ("unknown time zone", "post", "/api/appointments",
     {"title": "A", "start": "2030-01-01T10:00", "end": "2030-01-01T11:00", "time_zone": "Mars/Olympus"}, ("body", "time_zone")),
    ("invalid email", "post", "/api/contacts", {"first_name": "A", "email": "not-an-email"}, ("body", "email")),
    ("NUL byte", "post", "/api/accounts", {"name": "A\u0000B"}, ("body", "name")),
    ("bad currency", "post", "/api/leads", {"name": "A", "currency": "dollars"}, ("body", "currency")),
    ("not an ISO 4217 code", "post", "/api/leads", {"name": "A", "currency": "XYZ"}, ("body", "currency")),
    ("not an ISO 4217 code", "post", "/api/invoices", {"account_id": "{accounts}", "currency": "ABC"}, ("body", "currency")),
]


def fill(value, objects):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return objects[value[1:-1]].pk
    if isinstance(value, dict):
        return {k: fill(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, objects) for v in value]
    return value


@pytest.mark.parametrize("kind,method,url,body,loc", API_BAD_INPUT, ids=[f"{c[0]}:{c[2]}" for c in API_BAD_INPUT])
def test_api_bad_input_is_422_naming_the_field_and_writes_nothing(api, objects, kind, method, url, body, loc):
    url = url.format(**{k: o.pk for k, o in objects.items()})
    before = snapshot()
    response = getattr(api, method)(url, fill(body, objects), content_type="application/json")
    assert response.status_code == 422, response.content
    assert loc in locs(response), response.json()
    assert all(item["msg"] for item in response.json()["detail"])
    assert snapshot() == before


def test_api_unknown_object_in_the_path_is_404(api, objects):
    for url in ("/api/leads/987654", "/api/invoices/987654/mark-paid", "/api/events/00000000-0000-0000-0000-000000000000"):
        response = api.get(url) if "events" in url or "mark" not in url else api.post(url)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, url


def test_api_malformed_json_is_a_clear_4xx(api):
    response = api.post("/api/leads", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_api_several_errors_are_reported_together(api):
    response = api.post("/api/contacts", {"first_name": "A", "phone": "12", "email": "nope"}, content_type="application/json")
    assert {("body", "phone"), ("body", "email")} <= set(locs(response))


def test_api_state_conflicts_are_409_and_change_nothing(api, objects):
    invoice = objects["invoices"]
    assert api.post(f"/api/invoices/{invoice.pk}/void").status_code == 200
    before = snapshot()
    response = api.post(f"/api/invoices/{invoice.pk}/mark-paid")
    assert response.status_code == 409 and "void" in response.json()["detail"]
    assert snapshot() == before


def test_api_overpayment_is_refused(api, objects):
    invoice = objects["invoices"]
    response = api.post(f"/api/invoices/{invoice.pk}/payments", {"amount": invoice.total + 1}, content_type="application/json")
    assert response.status_code == 422 and ("body", "amount") in locs(response)
    assert not m.Payment.objects.exists()


# --- pages ---
PAGE_BAD_INPUT = [
    ("missing field", "leads", {"name": "", "status": "new", "currency": "USD", "value_amount": "0"}, "name"),
    ("wrong type", "leads", {"name": "A", "status": "new", "currency": "USD", "value_amount": "lots"}, "value_amount"),
    ("negative amount", "contracts", {"title": "T", "account": "{accounts}", "status": "draft", "currency": "USD",
                                      "value_amount": "-5"}, "value_amount"),
    ("invalid phone", "contacts", {"first_name": "A", "phone": "12345"}, "phone"),
    ("unknown id", "contacts", {"first_name": "A", "account": "999999"}, "account"),
    ("end before start", "appointments", {"title": "A", "start": "2030-01-01T10:00", "end": "2030-01-01T09:00",
                                          "time_zone": "UTC", "location_type": "zoom"}, "end"),
    ("unknown time zone", "appointments", {"title": "A", "start": "2030-01-01T10:00", "end": "2030-01-01T11:00",
                                           "time_zone": "Nowhere/City", "location_type": "zoom"}, "time_zone"),
]


@pytest.mark.parametrize("kind,key,data,field", PAGE_BAD_INPUT, ids=[f"{c[0]}:{c[1]}" for c in PAGE_BAD_INPUT])
def test_page_bad_input_shows_a_field_error_and_writes_nothing(owner, objects, kind, key, data, field):
    before = snapshot()
    response = logged_in(owner).post(f"/{key}/new/", fill(data, objects))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert form.errors[field][0] in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("typed", ["XYZ", "dollars", "dol"])
def test_page_currency_must_be_an_iso_4217_code_and_is_never_cut_short(owner, objects, typed):
    client = logged_in(owner)
    assert 'maxlength' not in str(client.get("/leads/new/").context["form"]["currency"])  # no silent cut to "dol"
    before = snapshot()
    response = client.post("/leads/new/", {"name": "A", "status": "new", "currency": typed, "value_amount": "1"})
    assert response.context["form"].errors["currency"] == [
        f"“{typed}” is not an ISO 4217 currency code: three letters such as USD, EUR or GBP."]
    assert snapshot() == before


def test_page_shows_every_error_of_a_form_in_one_round(owner, objects):
    """A value the form cannot read ("lots") and values only the service refuses (phone, email, currency)
    are all reported by the first submission."""
    before = snapshot()
    response = logged_in(owner).post("/leads/new/", {"name": "", "status": "new", "currency": "XYZ",
                                                     "value_amount": "lots", "phone": "12", "email": "nope"})
    assert set(response.context["form"].errors) == {"name", "currency", "value_amount", "phone", "email"}
    assert response.context["form"].errors["value_amount"] == ["Enter a number."]  # once, not repeated by the service
    assert snapshot() == before


def test_page_shows_line_errors_and_document_errors_together(owner, objects):
    before = snapshot()
    data = {"account": objects["accounts"].pk, "currency": "XYZ", "tax_rate": "8.25",
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-0-description": "Design",
            "lines-0-quantity": "1", "lines-0-unit_price": "abc", "lines-1-description": "",
            "lines-1-quantity": "2", "lines-1-unit_price": "10"}
    response = logged_in(owner).post("/invoices/new/", data)
    assert set(response.context["form"].errors) == {"currency"}
    rows = response.context["formset"].forms
    assert rows[0].errors == {"unit_price": ["Enter a number."]}
    assert rows[1].errors == {"description": ["Describe the line."]}
    assert snapshot() == before


def test_page_tax_rate_is_typed_as_a_percentage(owner, objects):
    data = {"account": objects["accounts"].pk, "currency": "usd", "tax_rate": "8.25",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-description": "Design",
            "lines-0-quantity": "1", "lines-0-unit_price": "100"}
    client = logged_in(owner)
    assert "Tax rate (%)" in client.get("/invoices/new/").content.decode()
    client.post("/invoices/new/", data)
    invoice = m.Invoice.objects.latest("pk")
    assert (invoice.currency, invoice.tax_rate_bp, invoice.tax_amount, invoice.total) == ("USD", 825, 825, 10825)
    assert client.get(f"/invoices/{invoice.pk}/edit/").context["form"]["tax_rate"].value() == 8.25


def test_page_negative_line_price_is_shown_on_its_row(owner, objects):
    before = snapshot()
    data = {"account": objects["accounts"].pk, "currency": "USD", "tax_rate_bp": "0",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-description": "Design",
            "lines-0-quantity": "1", "lines-0-unit_price": "-10"}
    response = logged_in(owner).post("/invoices/new/", data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["unit_price"]
    assert snapshot() == before


def test_page_action_not_allowed_in_this_state_says_why(owner, objects):
    client = logged_in(owner)
    invoice = objects["invoices"]
    client.post(f"/invoices/{invoice.pk}/void/")
    before = snapshot()
    response = client.post(f"/invoices/{invoice.pk}/payments/", {"method": "manual"}, follow=True)
    assert "void" in response.content.decode().lower()
    assert snapshot() == before
