"""In a real browser: the owner overrides an automatic match on the account's page (search the
QuickBooks customers, link another one), and an automatic pass afterwards leaves the choice be."""

from hubwire.integrations.quickbooks.customers import customers_queue
from hubwire.sync.models import MatchedBy, Trigger
from tests.conftest import SANDBOX_DB, sign_in
from tests.integrations.quickbooks.customer_helpers import account, books, in_quickbooks, row, settle  # noqa: F401

pytestmark = SANDBOX_DB


def test_the_owner_overrides_a_match_on_the_account_page(page, books, owner, workspace):
    matched = in_quickbooks(books, "ACME Creative Agency", "hello@acme-creative.example")
    wanted = in_quickbooks(books, "ACME Creative Agency Holdings", "ap@acme-holdings.example")
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    assert row(agency).external_id == matched["Id"]

    base = books.sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/accounts/{agency.pk}/")
    card = page.get_by_test_id("qbo-customer")
    assert card.get_by_test_id("qbo-state").inner_text() == "Connected"
    assert card.get_by_test_id("qbo-customer-id").inner_text() == matched["Id"]
    assert card.get_by_test_id("qbo-how").inner_text() == "Matched automatically by this account's email."

    page.fill("#qbo-q", "ACME Creative")
    page.get_by_test_id("qbo-search").click()
    results = page.get_by_test_id("qbo-result")
    results.first.wait_for()
    assert results.count() == 2
    assert "Connected to this account" in results.filter(has_text="Id " + matched["Id"]).inner_text()
    results.filter(has_text="Holdings").get_by_test_id("qbo-link").click()

    page.get_by_test_id("qbo-notice").wait_for()
    assert page.get_by_test_id("qbo-customer-name").inner_text() == "ACME Creative Agency Holdings"
    assert page.get_by_test_id("qbo-customer-id").inner_text() == wanted["Id"]
    assert page.get_by_test_id("qbo-how").inner_text().startswith("Chosen by owner@example.test on ")
    chosen = row(agency)
    assert (chosen.external_id, chosen.matched_by) == (wanted["Id"], MatchedBy.PERSON)

    customers_queue(workspace, trigger=Trigger.BUTTON)
    settle()
    page.reload()
    assert page.get_by_test_id("qbo-customer-id").inner_text() == wanted["Id"]
    assert row(agency).external_id == wanted["Id"]
