"""The QuickBooks tab in a real browser, as the seed tells the owner to set it up: turn it on with the
toggle, copy what the Intuit app needs, paste the app's Client ID and Secret, Connect, consent on the
(sandbox) Intuit page, and come back to see the company's name; the tab has no serious accessibility
violation in any of those states."""

import re

from hubwire.integrations.models import Connection
from hubwire.integrations.quickbooks.config import config_of
from hubwire.sandbox.quickbooks.models import Company
from tests.conftest import SANDBOX_DB, sign_in
from tests.integrations.quickbooks.conftest import CLIENT_ID, CLIENT_SECRET, VERIFIER_TOKEN
from tests.test_accessibility import axe_script, serious_violations  # noqa: F401  (axe_script: a fixture)

pytestmark = SANDBOX_DB


def test_turn_on_copy_paste_connect_and_see_the_company(page, sandbox, owner, workspace, axe_script):
    base = sandbox.base_url
    tab = f"{base}/integrations/quickbooks/"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    sign_in(page, base, owner)
    page.goto(tab)
    assert page.get_by_test_id("quickbooks-off").is_visible()
    assert page.get_by_test_id("connect").count() == 0 and page.get_by_test_id("credentials-form").count() == 0
    found = serious_violations(page, axe_script, tab)

    # The toggle first; then the Intuit app's values and the Connect button appear.
    page.get_by_test_id("quickbooks-toggle").click()
    page.get_by_test_id("intuit-app-setup").wait_for()
    assert page.get_by_test_id("quickbooks-toggle").get_attribute("aria-pressed") == "true"
    connection = Connection.objects.get(workspace=workspace, provider="quickbooks")
    assert config_of(connection).enabled
    expected = {"host_domain": "localhost", "launch_url": tab,
                "disconnect_url": f"{base}/integrations/quickbooks/disconnected/",
                "redirect_uri": f"{base}/integrations/quickbooks/callback/",
                "webhook_url": f"{base}/integrations/quickbooks/events/{connection.inbound_token}/"}
    for name, value in expected.items():
        assert page.get_by_test_id(f"copy-{name}").get_attribute("data-copy") == value, name
        assert page.get_by_test_id(f"intuit-{name}").inner_text() == value, name
    copy = page.get_by_test_id("copy-redirect_uri")
    copy.click()
    assert page.evaluate("navigator.clipboard.readText()") == expected["redirect_uri"]
    page.wait_for_function("el => el.textContent === 'Copied'", arg=copy.element_handle())
    found += serious_violations(page, axe_script, tab)

    # Paste the Intuit app's keys, save, Connect, consent at Intuit, and back.
    page.fill("#cred--client_id", CLIENT_ID)
    page.fill("#cred--client_secret", CLIENT_SECRET)
    page.fill("#cred--verifier_token", VERIFIER_TOKEN)
    page.click("[data-testid=credentials-form] button")
    page.wait_for_url(tab)
    page.get_by_test_id("connect").click()
    page.wait_for_url(re.compile(r".*/sandbox/appcenter\.intuit\.com/connect/oauth2\?.*"))
    page.fill("#email", "books@intuit.example")
    page.click("[data-testid=allow]")
    page.wait_for_url(tab)

    connection.refresh_from_db()
    company = Company.objects.get(realm_id=connection.external_account_id).name
    assert page.get_by_test_id("account").inner_text() == company
    assert page.get_by_test_id("fact").all_inner_texts()[:2] == [company, connection.external_account_id]
    assert page.get_by_test_id("card-quickbooks").get_attribute("data-colour") == "green"
    assert company in page.get_by_test_id("card-quickbooks").inner_text()
    assert page.get_by_test_id("choices-form").is_visible()
    found += serious_violations(page, axe_script, tab)
    assert not found, "\n".join(found)
