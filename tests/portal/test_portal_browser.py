"""Issue 7's "done when", in a real browser: the owner turns the portal on for ACME, lets a contact
in with a password and copies the portal link; the contact signs in in another browser, sees ACME's
projects, invoices and contracts, pays an invoice on the sandbox Stripe checkout and sees it paid,
and sends a message that the team sees unread in its inbox."""

import re

from hubwire.crm.models import InvoiceStatus
from hubwire.crm.services import documents, people, work
from tests.conftest import BROWSER_TIMEOUT_MS, SANDBOX_DB, logged_in, sign_in
from tests.integrations.stripe.stripe_flow import onboard, pay_in_browser

pytestmark = SANDBOX_DB


def test_a_client_signs_in_pays_an_invoice_and_writes_to_the_team(page, sandbox, owner, workspace):
    base = sandbox.base_url
    onboard(logged_in(owner), workspace)  # Stripe connected in test mode, through the sandbox
    kw = {"workspace": workspace, "actor": "tests"}
    acme = people.account_create(**kw, name="ACME Creative Agency")
    maya = people.contact_create(**kw, account=acme, first_name="Maya", last_name="Chen", email="maya@acme.example")
    work.project_create(**kw, account=acme, name="Brand refresh 2027", status="active")
    work.contract_create(**kw, account=acme, title="Brand refresh statement of work", status="sent")
    invoice = documents.invoice_send(invoice=documents.invoice_create(**kw, account=acme, contact=maya, lines=[
        {"description": "Identity design", "quantity": 1, "unit_amount": 125000}]), actor="tests")

    # The owner: portal on for ACME, a password for Maya, the link copied.
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/portal/")
    row = page.get_by_test_id(f"portal-account-{acme.pk}")
    row.get_by_test_id("portal-toggle").click()
    page.get_by_test_id("confirm-yes").click()
    page.wait_for_selector(f"[data-testid=portal-account-{acme.pk}][data-on='1']")
    page.get_by_test_id(f"portal-account-{acme.pk}").get_by_test_id("manage-contacts").click()
    contact_row = page.get_by_test_id(f"portal-contact-{maya.pk}")
    contact_row.locator("summary").click()
    contact_row.locator("input[name=password]").fill("amber-lighthouse-204")
    contact_row.locator("input[name=must_change]").uncheck()
    contact_row.get_by_role("button", name="Save password").click()
    page.wait_for_selector(f"[data-testid=portal-contact-{maya.pk}][data-allowed='1']")
    portal_link = page.get_by_test_id("copy-portal-link").get_attribute("data-copy")
    assert portal_link == f"{base}/portal/{workspace.pk}/"

    # Maya, in her own browser.
    context = page.context.browser.new_context()
    client = context.new_page()
    client.set_default_timeout(BROWSER_TIMEOUT_MS)
    client.goto(portal_link)
    client.wait_for_url(re.compile(r".*/sign-in/\?next=.*"))
    client.fill("#id_email", "maya@acme.example")
    client.fill("#id_password", "amber-lighthouse-204")
    client.get_by_role("button", name="Sign in").click()
    client.wait_for_url(portal_link)
    assert client.get_by_test_id("portal-account").inner_text() == "ACME Creative Agency"
    client.get_by_role("link", name="Projects").click()
    assert "Brand refresh 2027" in client.get_by_test_id("projects").inner_text()
    client.get_by_role("link", name="Contracts").click()
    assert "Awaiting acceptance" in client.get_by_test_id("contracts").inner_text()
    client.get_by_role("link", name="Invoices").click()
    client.get_by_role("link", name=invoice.number).click()
    assert client.get_by_test_id("status").inner_text() == "Pending"
    pay_in_browser(client, "1,250.00 USD")
    client.wait_for_url(f"{portal_link}invoices/{invoice.pk}/")
    assert client.get_by_test_id("status").inner_text() == "Paid"
    assert client.get_by_test_id("balance").inner_text() == "0.00 USD"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID

    client.get_by_test_id("nav-messages").click()
    client.fill("#id_body", "Paid! Could we see a darker palette?")
    client.get_by_test_id("send").click()
    client.wait_for_selector("text=Paid! Could we see a darker palette?")
    context.close()

    # The team sees it unread.
    page.goto(f"{base}/integrations/portal/")
    assert page.get_by_test_id("stat-unread").locator(".stat").inner_text() == "1"
    assert page.get_by_test_id("stat-logins").locator(".stat").inner_text() == "1"
    assert page.get_by_test_id("card-portal").get_attribute("data-colour") == "green"
    page.get_by_test_id("stat-unread").click()
    page.get_by_role("link", name="ACME Creative Agency").click()
    message = page.get_by_test_id("message").last
    assert "Paid! Could we see a darker palette?" in message.inner_text()
    assert message.get_by_test_id("new").is_visible()
