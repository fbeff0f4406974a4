"""What cannot be undone asks first, in a dialog saying what will happen, on a plain form too: here
Void invoice, with htmx kept from loading at all."""

import pytest

from hubwire.crm.models import Invoice, InvoiceStatus
from tests.conftest import sign_in
from tests.factories import crm_objects

pytestmark = pytest.mark.django_db(transaction=True)


def test_void_invoice_asks_first_and_goes_back_or_voids_even_without_htmx(page, live_server, owner, workspace):
    invoice = crm_objects(workspace)["invoices"]
    page.route("**/htmx-2.min.js", lambda route: route.abort())
    sign_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/invoices/{invoice.pk}/")
    assert page.evaluate("typeof window.htmx") == "undefined"

    page.click("button:has-text('Void')")
    assert page.get_by_test_id("confirm").inner_text().startswith(
        f"Void invoice {invoice.number}? It can no longer be paid, here or online. This cannot be undone.")
    page.get_by_test_id("confirm-no").click()
    page.get_by_test_id("confirm").wait_for(state="detached")
    assert page.get_by_test_id("status").inner_text() == "Draft"
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DRAFT

    page.click("button:has-text('Void')")
    page.get_by_test_id("confirm-yes").click()
    page.wait_for_selector("[data-testid=status]:has-text('Void')")
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.VOID


def test_deleting_a_webhook_endpoint_asks_first_in_the_same_dialog(page, live_server, owner, workspace):
    from hubwire.webhooks.models import Endpoint
    from hubwire.webhooks.services import endpoint_create

    endpoint = endpoint_create(workspace=workspace, url="https://hooks.example.com/in")
    sign_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/webhooks/endpoints/{endpoint.pk}/")
    page.get_by_test_id("delete").click()
    assert page.get_by_test_id("confirm").inner_text().startswith("Delete this endpoint and its delivery log?")
    page.get_by_test_id("confirm-no").click()
    page.get_by_test_id("confirm").wait_for(state="detached")
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()

    page.get_by_test_id("delete").click()
    page.get_by_test_id("confirm-yes").click()
    page.wait_for_url(f"{live_server.url}/webhooks/")
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
