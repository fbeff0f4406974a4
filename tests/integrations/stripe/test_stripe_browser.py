"""Issue 6's "done when", in a real browser with a real worker: onboard a new Stripe account in test
mode through the sandbox, stop half-way and see Setup incomplete, resume and see Active; connect an
existing account with OAuth in live mode; pay an invoice on the sandbox checkout page and see it
paid; disconnect with a confirmation."""

import re

import pytest
from playwright.sync_api import expect

from hubwire.crm.services.documents import invoice_create, invoice_send
from hubwire.crm.services.people import account_create
from hubwire.integrations.models import Connection
from tests.conftest import SANDBOX_DB, sign_in
from tests.integrations.stripe.stripe_flow import pay_in_browser

pytestmark = [SANDBOX_DB, pytest.mark.worker]


def test_the_stripe_tab_onboarding_oauth_pay_now_and_disconnect(page, sandbox, celery_worker, owner, workspace):
    base = sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/stripe/")
    test_panel = page.get_by_test_id("panel-test")
    assert test_panel.get_by_test_id("status").inner_text() == "Not connected"

    # A new account: stop half-way.
    test_panel.get_by_test_id("connect-new").click()
    page.wait_for_url(re.compile(r".*/sandbox/connect\.stripe\.com/setup/s/acct_\w+/\w+"))
    page.fill("#business_name", "Northwind Studio")
    page.click("[data-testid=later]")
    page.wait_for_url(f"{base}/integrations/stripe/")
    assert test_panel.get_by_test_id("status").inner_text() == "Setup incomplete"
    assert "a bank account for payouts" in test_panel.get_by_test_id("still-due").inner_text()
    assert page.get_by_test_id("card-stripe").get_attribute("data-colour") == "orange"

    # Resume, finish.
    test_panel.get_by_test_id("resume").click()
    page.wait_for_url(re.compile(r".*/sandbox/connect\.stripe\.com/setup/s/.*"))
    page.fill("#url", "https://northwind.example")
    page.fill("#first_name", "Nora")
    page.fill("#last_name", "West")
    page.fill("#bank", "000123456789")
    page.check("input[name=tos]")
    page.click("[data-testid=submit]")
    page.wait_for_url(f"{base}/integrations/stripe/")
    assert test_panel.get_by_test_id("status").inner_text() == "Active"
    assert test_panel.get_by_test_id("fact-business-name").inner_text() == "Northwind Studio"
    assert test_panel.get_by_test_id("fact-charges").inner_text() == "Enabled"
    assert test_panel.get_by_test_id("fact-payouts").inner_text() == "Enabled"
    assert page.get_by_test_id("card-stripe").get_attribute("data-colour") == "green"
    dashboard = test_panel.get_by_test_id("dashboard").get_attribute("href")
    assert re.search(r"/sandbox/dashboard\.stripe\.com/acct_\w+/test/payments$", dashboard)

    # Pay an invoice on the sandbox checkout page.
    acme = account_create(workspace=workspace, actor="tests", name="ACME Creative Agency")
    invoice = invoice_send(invoice=invoice_create(workspace=workspace, actor="tests", account=acme, lines=[
        {"description": "Brand refresh", "quantity": 1, "unit_amount": 125000}]), actor="tests")
    page.goto(f"{base}/invoices/{invoice.pk}/")
    pay_in_browser(page, "1,250.00 USD")
    assert page.get_by_test_id("status").inner_text() == "Paid"
    assert page.get_by_test_id("checkout").get_attribute("data-status") == "paid"

    # The payments show in the account's Stripe Dashboard.
    page.goto(dashboard)
    assert page.get_by_test_id("dashboard-payment").count() == 1

    # An existing account, live mode, with OAuth.
    page.goto(f"{base}/integrations/stripe/")
    live_panel = page.get_by_test_id("panel-live")
    live_panel.get_by_test_id("connect-existing").click()
    page.wait_for_url(re.compile(r".*/sandbox/connect\.stripe\.com/oauth/authorize\?.*"))
    page.fill("#email", "owner@acme.example")
    page.fill("#business_name", "ACME Live")
    page.click("[data-testid=allow]")
    page.wait_for_url(f"{base}/integrations/stripe/")
    assert live_panel.get_by_test_id("status").inner_text() == "Active"
    assert live_panel.get_by_test_id("account").inner_text() == "ACME Live"

    # Disconnect asks first.
    live_panel.get_by_test_id("disconnect").click()
    assert "Invoices can no longer be paid online" in page.get_by_test_id("confirm").inner_text()
    page.get_by_test_id("confirm-no").click()
    assert Connection.objects.get(provider="stripe", mode="live").status == "active"
    live_panel.get_by_test_id("disconnect").click()
    page.get_by_test_id("confirm-yes").click()
    # The page's URL does not change (it is already the tab's), so wait for the panel the answer swaps in.
    expect(live_panel.get_by_test_id("status")).to_have_text("Not connected")
    assert sandbox.calls("connect.stripe.com", "/oauth/deauthorize")[0].status == 200
