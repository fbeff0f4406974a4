"""/integrations in a real browser: eight cards in the right colours, htmx tabs with their own URLs,
deep links, and Zoom connected through the sandbox consent page, then losing its grant."""

import re

from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect, access_token
from tests.conftest import SANDBOX_DB, sign_in

pytestmark = SANDBOX_DB


def card_colours(page) -> dict[str, str]:
    cards = page.locator("[data-testid^=card-]")
    return {cards.nth(i).get_attribute("data-testid")[5:]: cards.nth(i).get_attribute("data-colour")
            for i in range(cards.count())}


def test_integrations_page_cards_tabs_and_a_zoom_connection(page, sandbox, owner, workspace):
    base = sandbox.base_url
    sign_in(page, base, owner)
    page.click("nav >> text=Integrations")
    page.wait_for_url(f"{base}/integrations/")
    assert card_colours(page) == {key: "grey" for key in PROVIDERS}
    tabs = ["Stripe", "Client Portal", "QuickBooks", "Google Calendar", "Zoom", "Google Workspace", "SMS", "Webhooks"]
    assert page.locator("[role=tab]").all_inner_texts() == tabs
    assert page.locator(".card-title").all_inner_texts() == tabs  # a card and its tab say the same name

    # A tab switch is an htmx swap that also moves the address bar.
    page.click("[data-testid=tab-quickbooks]")
    page.wait_for_url(f"{base}/integrations/quickbooks/")
    assert page.locator("[data-testid=tab-panel]").get_attribute("data-provider") == "quickbooks"
    # QuickBooks offers Connect only once it is turned on (its seed: "use the toggle first").
    assert page.locator("[data-testid=quickbooks-off]").is_visible()
    assert page.locator("[data-testid=connect]").count() == 0
    page.click("[data-testid=tab-google_workspace]")
    page.wait_for_url(f"{base}/integrations/google_workspace/")
    assert page.locator("[data-testid=connect]").is_visible()  # every provider of this version is built

    # A card links to its tab.
    page.click("[data-testid=card-zoom]")
    page.wait_for_url(f"{base}/integrations/zoom/")
    page.click("[data-testid=connect]")

    # The sandbox's consent page, at Zoom's real path.
    page.wait_for_url(re.compile(r".*/sandbox/zoom\.us/oauth/authorize\?.*"))
    assert "meeting:write:meeting" in page.locator("[data-testid=scopes]").inner_text()
    page.fill("#email", "fox.mulder@zoom.example")
    page.click("[data-testid=allow]")
    page.wait_for_url(f"{base}/integrations/zoom/")
    assert "Zoom is connected as Fox Mulder" in page.locator(".flash").inner_text()
    assert page.get_by_test_id("status").inner_text() == "Active"
    assert card_colours(page)["zoom"] == "green"

    # Zoom revokes the grant: the next renewal fails and the card turns red with Reconnect.
    sandbox.control("revoke", server="zoom")
    connection = Connection.objects.get(workspace=workspace, provider="zoom")
    Connection.objects.filter(pk=connection.pk).update(access_token_expires_at=connection.connected_at)
    try:
        access_token(PROVIDERS["zoom"], connection)
    except NeedsReconnect:
        pass
    assert Connection.objects.get(pk=connection.pk).status == ConnectionStatus.NEEDS_ATTENTION

    page.goto(f"{base}/integrations/stripe/")  # a deep link opens its tab
    assert page.locator("[data-testid=tab-stripe]").get_attribute("aria-selected") == "true"
    assert card_colours(page)["zoom"] == "red"
    assert "Zoom needs attention" in page.get_by_test_id("integration-alert").inner_text()
    page.click("[data-testid=card-zoom]")
    page.wait_for_url(f"{base}/integrations/zoom/")
    assert page.locator("[data-testid=reconnect]").is_visible()
    assert "Reconnect Zoom" in page.get_by_test_id("reason").inner_text()
