"""The SMS tab in a real browser, as the owner connects it: paste the sandbox Twilio account's Account
SID and Auth Token, see the card turn orange and the account's numbers and Messaging Service listed,
choose a number, and see the inbound message URL with its copy button and Twilio's setting matching;
the tab has no serious accessibility violation in any of those states."""

from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.models import PhoneNumber
from tests.conftest import SANDBOX_DB, sign_in
from tests.integrations.twilio.conftest import BARE, SERVICE_SID, freeze_sandbox_clock
from tests.test_accessibility import axe_script, serious_violations  # noqa: F401  (axe_script: a fixture)

pytestmark = SANDBOX_DB


def test_paste_credentials_choose_a_number_and_copy_its_inbound_url(page, sandbox, owner, workspace, axe_script):
    base = sandbox.base_url
    tab = f"{base}/integrations/twilio/"
    freeze_sandbox_clock(sandbox)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    sign_in(page, base, owner)
    page.goto(tab)
    assert page.get_by_test_id("sms-not-connected").is_visible()
    assert page.get_by_test_id("card-twilio").get_attribute("data-colour") == "grey"
    found = serious_violations(page, axe_script, tab)

    # Paste the account's credentials: connected, but nothing sends yet.
    page.fill("#cred--account_sid", ACCOUNT_SID)
    page.fill("#cred--auth_token", AUTH_TOKEN)
    page.click("[data-testid=credentials-form] button")
    page.wait_for_url(tab)
    card = page.get_by_test_id("card-twilio")
    assert card.get_attribute("data-colour") == "orange" and "Setup incomplete" in card.inner_text()
    assert "no number or Messaging Service is chosen" in page.get_by_test_id("sms-needs-sender").inner_text()

    # The chooser comes from Twilio after the page (htmx): the three numbers and the service.
    page.get_by_test_id("sms-sender-form").wait_for()
    for value in ("+12025550101", "+12025550102", "+12025550103", SERVICE_SID):
        assert page.get_by_test_id(f"sender-{value}").is_enabled(), value
    assert page.get_by_test_id("set-inbound-url").is_checked()  # "Set it for me" is offered ticked
    found += serious_violations(page, axe_script, f"{base}/integrations/twilio/sender/")

    page.get_by_test_id(f"sender-{BARE}").check()
    page.get_by_test_id("sms-choose-sender").click()
    page.wait_for_url(tab)
    assert page.get_by_test_id("card-twilio").get_attribute("data-colour") == "green"
    assert page.get_by_test_id("sms-sender-label").inner_text() == "(202) 555-0101"
    assert page.get_by_test_id("sms-needs-sender").count() == 0

    # The inbound URL, this connection's own, with its copy button; Twilio's setting read and matching.
    connection = Connection.objects.get(workspace=workspace, provider="twilio")
    url = connection_inbound_url(connection=connection)
    assert url == f"{base}/integrations/twilio/events/{connection.inbound_token}/"
    assert page.get_by_test_id("sms-inbound-url").inner_text() == url
    assert PhoneNumber.objects.get(phone_number=BARE).sms_url == url
    page.locator("[data-testid=sms-inbound-state][data-matches='1']").wait_for()
    assert page.get_by_test_id("sms-set-inbound-url").count() == 0
    copy = page.get_by_test_id("copy-inbound-url")
    assert copy.get_attribute("data-copy") == url
    copy.click()
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.wait_for_function("el => el.textContent === 'Copied'", arg=copy.element_handle())
    found += serious_violations(page, axe_script, tab)
    assert not found, "\n".join(found)
