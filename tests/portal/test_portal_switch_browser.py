"""The Client Portal tab's per-account switch in a real browser: it asks first, saying what will
happen, and once it acts every part of the page showing the portal's state is current at once (the
row, the status card, the stats), without a reload."""

import pytest

from hubwire.crm.services.people import account_create, contact_create
from hubwire.portal.models import PortalAccess
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def portal_state(page) -> dict:
    return {"card": page.get_by_test_id("card-portal").get_attribute("data-colour"),
            "headline": page.get_by_test_id("card-portal").locator(".card-headline").inner_text(),
            "accounts_on": page.get_by_test_id("stat-accounts").locator(".stat").inner_text()}


def test_the_portal_switch_asks_first_then_the_row_card_and_stats_all_show_the_change(page, live_server, owner,
                                                                                      workspace):
    base = live_server.url
    acme = account_create(workspace=workspace, actor="t", name="ACME Creative Agency")
    contact_create(workspace=workspace, actor="t", account=acme, first_name="Maya", email="maya@acme.test")
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/portal/")
    page.evaluate("window.notReloaded = true")
    assert portal_state(page) == {"card": "grey", "headline": "Off", "accounts_on": "0"}
    switch = page.get_by_test_id(f"portal-account-{acme.pk}").get_by_test_id("portal-toggle")

    switch.click()
    assert page.get_by_test_id("confirm").inner_text().startswith(
        "Turn the Client Portal on for ACME Creative Agency? Its contacts with a login can then sign in")
    page.get_by_test_id("confirm-no").click()
    page.get_by_test_id("confirm").wait_for(state="detached")
    assert switch.get_attribute("aria-pressed") == "false" and not PortalAccess.is_on(acme.pk)

    switch.click()
    page.get_by_test_id("confirm-yes").click()
    page.wait_for_selector(f"[data-testid=portal-account-{acme.pk}][data-on='1']")
    assert PortalAccess.is_on(acme.pk)
    assert portal_state(page) == {"card": "orange", "headline": "Setup incomplete", "accounts_on": "1"}
    assert page.evaluate("document.activeElement.id") == f"portal-toggle-{acme.pk}"  # focus stays on the switch

    switch.click()
    assert "Nobody at ACME Creative Agency can sign in" in page.get_by_test_id("confirm").inner_text()
    page.get_by_test_id("confirm-yes").click()
    page.wait_for_selector(f"[data-testid=portal-account-{acme.pk}][data-on='0']")
    assert portal_state(page) == {"card": "grey", "headline": "Off", "accounts_on": "0"}
    assert page.evaluate("window.notReloaded") is True
