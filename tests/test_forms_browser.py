"""Page forms in a real browser (issue 16, items 8 and 9): an invoice takes as many lines as it
needs, and a bad submission shows all its errors at once."""

import re

from hubwire.crm.models import Invoice
from tests.conftest import sign_in
from tests.factories import crm_objects


def open_new_invoice(page, base: str, owner, workspace) -> None:
    account = crm_objects(workspace)["accounts"]
    sign_in(page, base, owner)
    page.goto(f"{base}/invoices/new/")
    page.select_option("#id_account", str(account.pk))


def test_a_new_invoice_adds_lines_as_needed(page, live_server, owner, workspace):
    base = live_server.url
    open_new_invoice(page, base, owner, workspace)
    rows = page.get_by_test_id("line-rows").locator("tr")
    assert rows.count() == 1
    for _ in range(3):
        page.get_by_test_id("add-line").click()
    assert rows.count() == 4
    for index, (description, price) in enumerate([("Design", "100"), ("Copy", "50"), ("Photos", "25.50"), ("Print", "4.50")]):
        page.fill(f"#id_lines-{index}-description", description)
        page.fill(f"#id_lines-{index}-unit_price", price)
    page.fill("#id_tax_rate", "10")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/invoices/\d+/$"))
    invoice = Invoice.objects.latest("pk")
    assert [l.description for l in invoice.lines.order_by("position")] == ["Design", "Copy", "Photos", "Print"]
    assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (18000, 1800, 19800)


def test_a_bad_invoice_shows_every_error_in_one_round(page, live_server, owner, workspace):
    open_new_invoice(page, live_server.url, owner, workspace)
    page.fill("#id_currency", "dollars")
    assert page.input_value("#id_currency") == "dollars"  # not cut to "dol"
    page.fill("#id_lines-0-description", "")
    page.fill("#id_lines-0-unit_price", "10")
    page.click("button[type=submit]")
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("“dollars” is not an ISO 4217 currency code" in e for e in errors), errors
    assert any("Describe the line." in e for e in errors), errors
    assert Invoice.objects.count() == 1  # only the factory's
