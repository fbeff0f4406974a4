"""Stripe Connect onboarding in the sandbox (issue 6): a new account through Account Links, an
existing one through Connect OAuth, each mode its own connection, state from the Account object."""

import httpx
import pytest

from hubwire.integrations.models import Connection, ConnectionStatus
from tests.conftest import SANDBOX_DB
from tests.integrations.stripe.stripe_flow import (COMPLETE, fill_onboarding, local, oauth_connect, onboard, run_events,
                                            start_onboarding)

pytestmark = SANDBOX_DB


def test_onboarding_stopped_half_way_is_orange_with_what_is_missing_then_resume_turns_it_green(
        sandbox, owner_client, workspace):
    connection = onboard(owner_client, workspace, fields={"business_name": "Northwind Studio"}, action="later")
    assert connection.status == ConnectionStatus.SETUP_INCOMPLETE
    assert connection.account_name == "Northwind Studio"
    assert "your business website" in connection.status_reason
    assert "a bank account for payouts" in connection.status_reason
    page = owner_client.get("/integrations/stripe/").content.decode()
    assert 'data-testid="still-due"' in page and "your acceptance of Stripe&#x27;s terms of service" in page
    assert 'data-testid="resume"' in page
    assert owner_client.get("/integrations/").context["cards"][0]  # the page renders with the card
    card = dict((p.key, c) for p, c in owner_client.get("/integrations/").context["cards"])["stripe"]
    assert card.colour == "orange" and card.headline == "Setup incomplete · Test mode"

    # Resume: a fresh single-use link for the same account, which completes it.
    resume = owner_client.get("/integrations/stripe/onboard/test/link/")
    assert resume.status_code == 302 and connection.external_account_id in resume["Location"]
    answer = fill_onboarding(resume["Location"], COMPLETE)
    assert local(owner_client, answer.headers["location"]).status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE and connection.status_reason == ""
    assert connection.details["account"]["charges_enabled"] and connection.details["account"]["payouts_enabled"]
    page = owner_client.get("/integrations/stripe/").content.decode()
    assert "Northwind Studio" in page and 'data-testid="fact-charges">Enabled' in page
    assert 'data-testid="fact-payouts">Enabled' in page and 'data-testid="resume"' not in page
    assert f"/sandbox/dashboard.stripe.com/{connection.external_account_id}/test/payments" in page


def test_an_account_link_is_single_use_and_a_used_one_goes_to_refresh_url(sandbox, owner_client, workspace):
    link = start_onboarding(owner_client)
    assert httpx.get(link, timeout=10).status_code == 200
    again = httpx.get(link, timeout=10)
    assert again.status_code == 302 and again.headers["location"].endswith("/integrations/stripe/onboard/test/link/")
    # hubwire's refresh_url mints a new link, which works.
    fresh = local(owner_client, again.headers["location"])
    assert fresh.status_code == 302 and fresh["Location"] != link
    assert httpx.get(fresh["Location"], timeout=10).status_code == 200


def test_an_expired_account_link_goes_to_refresh_url(sandbox, owner_client, workspace):
    link = start_onboarding(owner_client)
    sandbox.control("clock", seconds=301)  # links live 300 s
    expired = httpx.get(link, timeout=10)
    assert expired.status_code == 302 and "/integrations/stripe/onboard/test/link/" in expired.headers["location"]


def test_reaching_return_url_without_finishing_stays_setup_incomplete(sandbox, owner_client, workspace):
    link = start_onboarding(owner_client)
    connection = Connection.objects.get(workspace=workspace, provider="stripe", mode="test")
    back = local(owner_client, "/integrations/stripe/onboard/test/return/")
    assert back.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.SETUP_INCOMPLETE
    assert link  # the link was never used: onboarding was not done


def test_submitting_onboarding_with_items_missing_is_refused_on_the_page(sandbox, owner_client, workspace):
    answer = fill_onboarding(start_onboarding(owner_client), {"business_name": "Half"}, action="submit")
    assert answer.status_code == 400 and "Business website is required to submit." in answer.text


def test_oauth_connects_an_existing_account_and_keeps_stripe_user_id(sandbox, owner_client, workspace):
    connection = oauth_connect(owner_client, workspace)
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.external_account_id.startswith("acct_")
    assert connection.details["stripe_user_id"] == connection.external_account_id
    assert connection.details["via"] == "oauth" and connection.account_name == "ACME Payments"
    assert connection.details["livemode"] is False
    assert connection.access_token  # kept, encrypted, though calls use the platform key + Stripe-Account
    token_calls = sandbox.calls("connect.stripe.com", "/oauth/token")
    assert [c.status for c in token_calls] == [200]


def test_an_oauth_account_with_setup_due_is_finished_in_the_stripe_dashboard(sandbox, owner_client, workspace):
    connection = oauth_connect(owner_client, workspace, email="new@acme.example", complete=False)
    assert connection.status == ConnectionStatus.SETUP_INCOMPLETE
    page = owner_client.get("/integrations/stripe/").content.decode()
    assert 'data-testid="finish-in-dashboard"' in page and 'data-testid="resume"' not in page
    # The owner opens the Stripe Dashboard from the tab, finishes there; Stripe sends account.updated.
    import re
    dashboard = re.search(r'href="([^"]+/test/payments)" target', page).group(1)
    settings_page = httpx.get(dashboard, timeout=10)
    assert 'data-testid="finish-setup"' in settings_page.text
    answer = fill_onboarding(dashboard.replace("/test/payments", "/settings/account"), COMPLETE)
    assert answer.status_code == 302 and answer.headers["location"] == dashboard
    run_events()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE and connection.account_name == "Northwind Studio"
    # Refresh reads the account again on demand.
    assert owner_client.post("/integrations/stripe/refresh/", {"mode": "test"}).status_code == 302
    assert sandbox.calls("api.stripe.com", f"/v1/accounts/{connection.external_account_id}")


def test_test_and_live_are_separate_connections(sandbox, owner_client, workspace):
    test = onboard(owner_client, workspace, "test")
    live = oauth_connect(owner_client, workspace, "live")
    assert (test.mode, live.mode) == ("test", "live")
    assert test.external_account_id != live.external_account_id
    assert live.details["livemode"] is True
    page = owner_client.get("/integrations/stripe/").content.decode()
    assert 'data-testid="panel-test"' in page and 'data-testid="panel-live"' in page


def test_disconnect_of_an_oauth_account_deauthorizes_it_at_stripe(sandbox, owner_client, workspace):
    connection = oauth_connect(owner_client, workspace)
    account = connection.external_account_id
    response = owner_client.post("/integrations/stripe/disconnect/", {"mode": "test"})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NOT_CONNECTED
    assert (connection.access_token, connection.external_account_id) == ("", "")
    assert [c.status for c in sandbox.calls("connect.stripe.com", "/oauth/deauthorize")] == [200]
    # Stripe's account.application.deauthorized that follows changes nothing more.
    run_events()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NOT_CONNECTED and not connection.details.get("deauthorized")
    # and the platform key no longer reaches the account
    from hubwire.sandbox.models import StripeGrant
    assert StripeGrant.objects.get(account_id=account, livemode=False).deauthorized_at is not None


def test_removing_hubwire_in_stripe_turns_the_connection_not_connected_and_red(sandbox, owner_client, workspace):
    connection = oauth_connect(owner_client, workspace)
    sandbox.control("stripe-deauthorize", account=connection.external_account_id)
    assert any("1 connection(s) disconnected" in o for o in run_events())
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NOT_CONNECTED and connection.access_token == ""
    card = dict((p.key, c) for p, c in owner_client.get("/integrations/").context["cards"])["stripe"]
    assert card.colour == "red" and "removed" in card.detail
    # connecting again clears it
    oauth_connect(owner_client, workspace)
    card = dict((p.key, c) for p, c in owner_client.get("/integrations/").context["cards"])["stripe"]
    assert card.colour == "green"


def test_stripe_disabling_charges_turns_the_card_red(sandbox, owner_client, workspace):
    connection = onboard(owner_client, workspace)
    sandbox.control("stripe-disable", account=connection.external_account_id, reason="rejected.fraud")
    run_events()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_ATTENTION and "rejected.fraud" in connection.status_reason


def test_a_member_cannot_connect_or_onboard(sandbox, workspace, member):
    from tests.conftest import logged_in

    client = logged_in(member)
    assert client.post("/integrations/stripe/onboard/", {"mode": "test"}).status_code == 403
    assert not Connection.objects.filter(provider="stripe").exists()


@pytest.mark.parametrize("mode", ["", "sandbox", "LIVE"])
def test_onboarding_needs_a_valid_mode(sandbox, owner_client, workspace, mode):
    response = owner_client.post("/integrations/stripe/onboard/", {"mode": mode})
    assert response.status_code == 302 and response["Location"] == "/integrations/stripe/"
    assert not Connection.objects.filter(provider="stripe").exists()


def test_a_test_key_in_the_live_setting_is_refused(sandbox, owner_client, workspace, settings):
    settings.HUBWIRE_PROVIDER_ENV = {"stripe_live_secret_key": "sk_test_sandbox_hubwire"}
    response = owner_client.post("/integrations/stripe/onboard/", {"mode": "live"})
    assert response.status_code == 302 and response["Location"] == "/integrations/stripe/"
    messages = [m.message for m in owner_client.get("/integrations/stripe/").context["messages"]]
    assert any("is not a live-mode key" in m for m in messages)
    assert not sandbox.calls("api.stripe.com")


@pytest.mark.parametrize("method, url, data", [
    ("post", "/integrations/stripe/refresh/", {"mode": "test"}),
    ("post", "/integrations/stripe/refresh/", {"mode": "both"}),
    ("get", "/integrations/stripe/onboard/test/link/", None),
    ("get", "/integrations/stripe/onboard/live/return/", None),
    ("get", "/integrations/stripe/onboard/sandbox/return/", None),
])
def test_onboarding_urls_without_an_onboarding_in_progress_say_so_and_write_nothing(sandbox, owner_client, workspace,
                                                                                    method, url, data):
    response = getattr(owner_client, method)(url, data) if data else getattr(owner_client, method)(url)
    assert response.status_code == 302 and response["Location"] == "/integrations/stripe/"
    messages = [m.message for m in owner_client.get("/integrations/stripe/").context["messages"]]
    assert messages and all(m for m in messages)
    assert not Connection.objects.filter(provider="stripe").exists()
    assert not sandbox.calls("api.stripe.com")


def test_an_unreachable_stripe_during_the_oauth_callback_is_a_message_not_an_error_page(sandbox, owner_client,
                                                                                        workspace, settings):
    import re

    response = owner_client.post("/integrations/stripe/connect/", {"mode": "test"})
    consent = httpx.get(response["Location"], timeout=10)
    request_token = re.search(r'name="request" value="([^"]+)"', consent.text).group(1)
    answer = httpx.post(response["Location"].split("?")[0], timeout=10,
                        data={"request": request_token, "decision": "allow", "email": "x@acme.example"})
    settings.HUBWIRE_PROVIDER_ENV = {"stripe_url_connect": "http://127.0.0.1:1"}
    back = local(owner_client, answer.headers["location"])
    assert back.status_code == 302 and back["Location"] == "/integrations/stripe/"
    messages = [m.message for m in owner_client.get("/integrations/stripe/").context["messages"]]
    assert any("Could not reach Stripe to finish the sign-in" in m for m in messages)
    assert not Connection.objects.filter(provider="stripe", status=ConnectionStatus.ACTIVE).exists()


def test_an_unreachable_stripe_api_after_the_token_is_recorded_not_an_error_page(sandbox, owner_client, workspace,
                                                                                 settings):
    import re

    response = owner_client.post("/integrations/stripe/connect/", {"mode": "test"})
    consent = httpx.get(response["Location"], timeout=10)
    request_token = re.search(r'name="request" value="([^"]+)"', consent.text).group(1)
    answer = httpx.post(response["Location"].split("?")[0], timeout=10,
                        data={"request": request_token, "decision": "allow", "email": "y@acme.example"})
    settings.HUBWIRE_PROVIDER_ENV = {"stripe_url_api": "http://127.0.0.1:1"}  # the token call works, the API does not
    back = local(owner_client, answer.headers["location"])
    assert back.status_code == 302 and back["Location"] == "/integrations/stripe/"
    connection = Connection.objects.get(provider="stripe", mode="test")
    assert connection.last_error.startswith("reading the connected account")
