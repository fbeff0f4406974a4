"""The sandbox page's QuickBooks card: each company's customers and invoices a page at a time, and its
forms (a customer's email, a customer with a given name, a payment, the app's webhook settings), which
post to the test hooks as a person's browser would; and "Move the clock to the next export day", which
moves hubwire's calendar clock with the sandbox's so that hubwire's export schedule is due, until a
reset puts both back."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hubwire.core import clock as calendar
from hubwire.core.models import ClockShift
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.schedule import EXPORT, export_spec
from hubwire.sandbox import clock
from hubwire.sandbox.quickbooks import entities, webhooks
from hubwire.sync.schedules import schedules_declare, schedules_run_due
from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import EVENTS_PATH, make_customer

pytestmark = SANDBOX_DB


@pytest.fixture
def browser(sandbox):
    return Client()


def form(browser, action: str, **fields):
    """A form on the page, posted as the browser posts it (form-encoded): back to the page, or 400."""
    return browser.post(f"/sandbox/_control/{action}/", fields)


def rows(html: str, testid: str) -> int:
    return html.count(f'data-testid="{testid}"')


def test_the_card_lists_each_companys_customers_and_invoices_a_page_at_a_time(browser, qbo, realm):
    customers = [make_customer(qbo, f"Customer {n:02}") for n in range(12)]
    qbo.post("/invoice", json={"CustomerRef": {"value": customers[0]["Id"]}, "DocNumber": "INV-0042", "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 125, "SalesItemLineDetail": {}}]})

    first = browser.get("/sandbox/").content.decode()
    assert 'data-testid="sandbox-quickbooks"' in first and f'data-realm="{realm}"' in first
    assert rows(first, "qbo-customer") == 10 and "Customer 11" in first and "Customer 01" not in first
    assert rows(first, "qbo-invoice") == 1 and "INV-0042" in first and "Record payment" in first
    assert f"?customers-{realm}=2" in first
    second = browser.get(f"/sandbox/?customers-{realm}=2").content.decode()
    assert rows(second, "qbo-customer") == 2 and "Customer 01" in second and "Customer 00" in second
    assert browser.get(f"/sandbox/?customers-{realm}=junk").status_code == 200  # a bad page number: the first


def test_the_forms_change_quickbooks_as_its_user_would(browser, qbo, realm, recorder):
    customer = make_customer(qbo, "ACME Creative Agency", "old@acme.example")
    invoice = qbo.post("/invoice", json={"CustomerRef": {"value": customer["Id"]}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 100, "SalesItemLineDetail": {}}]}).json()["Invoice"]
    page = browser.get("/sandbox/").content.decode()
    assert "sandbox-quickbooks" in page and 'data-testid="qbo-webhook-settings"' in page
    assert re.search(r'name="verifier_token" value="sandbox-quickbooks-webhook-secret"', page)

    settings = form(browser, "quickbooks-webhook-settings", client_id="sandbox-quickbooks",
                    url=recorder.url(EVENTS_PATH), verifier_token="pasted-verifier-token-0001", format="cloudevents")
    assert settings.status_code == 302 and settings["Location"] == "/sandbox/"
    saved = webhooks.subscription("sandbox-quickbooks")
    assert (saved.url, saved.verifier_token, saved.cloudevents) == (recorder.url(EVENTS_PATH),
                                                                    "pasted-verifier-token-0001", True)

    assert form(browser, "quickbooks-edit-customer", realm_id=realm, Id=customer["Id"],
                email="accounts@acme.example").status_code == 302
    edited = entities.read(realm, "Customer", customer["Id"])
    assert (edited["PrimaryEmailAddr"], edited["SyncToken"]) == ({"Address": "accounts@acme.example"}, "1")

    assert form(browser, "quickbooks-create-customer", realm_id=realm, DisplayName="Beta Studio",
                email="hi@beta.example").status_code == 302
    taken = form(browser, "quickbooks-create-customer", realm_id=realm, DisplayName="beta studio", email="")
    assert taken.status_code == 400 and "6240" in taken.json()["error"]  # QuickBooks' unique display names

    assert form(browser, "quickbooks-record-payment", realm_id=realm, invoice_id=invoice["Id"],
                amount="").status_code == 302
    assert entities.read(realm, "Invoice", invoice["Id"])["Balance"] == 0
    assert "Paid" in browser.get("/sandbox/").content.decode()
    # each change was sent to the app, in the format just chosen
    assert [r.body[:1] for r in recorder.requests] == [b"["] * 3


def test_until_the_app_saves_an_endpoint_the_form_offers_hubwires_url_for_the_company(browser, qbo, realm, workspace):
    make_customer(qbo, "First Customer")  # the company exists once the app has called it
    connection = Connection.objects.create(workspace=workspace, provider="quickbooks", external_account_id=realm,
                                           status=ConnectionStatus.ACTIVE)
    assert f'value="{webhooks.webhook_url_for("quickbooks")}"' in browser.get("/sandbox/").content.decode()
    url = connection_inbound_url(connection=connection)  # the QuickBooks tab showed it

    page = browser.get("/sandbox/").content.decode()
    assert f'name="url" value="{url}"' in page and "(not saved yet)" in page
    assert form(browser, "quickbooks-webhook-settings", client_id="sandbox-quickbooks", url=url,
                verifier_token="pasted-verifier-token-0001", format="legacy").status_code == 302
    assert "(not saved yet)" not in browser.get("/sandbox/").content.decode()
    assert webhooks.subscription("sandbox-quickbooks").url == url


def test_moving_the_clock_to_the_next_export_day_makes_hubwires_export_due(browser, workspace, sandbox):
    refused = form(browser, "quickbooks-next-export-day")
    assert refused.status_code == 400 and "connect QuickBooks first" in refused.json()["error"]

    [export] = schedules_declare(workspace=workspace, provider="quickbooks", specs=[export_spec(None)])
    assert export.name == EXPORT and export.next_run_at > calendar.now()
    assert schedules_run_due() == []  # not due yet
    sandbox_before = clock.now()
    assert "Move the clock to the next export day" in browser.get("/sandbox/").content.decode()

    assert form(browser, "quickbooks-next-export-day").status_code == 302

    assert export.next_run_at <= calendar.now() <= export.next_run_at + timedelta(minutes=5)
    shift = ClockShift.objects.get().seconds
    assert abs((clock.now() - sandbox_before).total_seconds() - shift) < 60  # the sandbox moved as far
    [run] = schedules_run_due()
    assert (run.schedule_id, run.slot) == (export.pk, export.next_run_at)

    assert form(browser, "reset").status_code == 302
    assert not ClockShift.objects.exists()
    assert abs((calendar.now() - timezone.now()).total_seconds()) < 60
