"""Connecting QuickBooks from its tab over real HTTP against sandbox QuickBooks (issue 18, item 1):
turn it on, paste the Intuit app's credentials (checked for shape), Connect, consent, back with the
realmId and the company's name; Disconnect from hubwire revokes; invalid_grant turns it red with
Reconnect; and 20 workers refreshing at once make one token call and keep the newest refresh token."""

import pytest
from django.utils import timezone

from hubwire.core.models import AuditEntry
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.quickbooks.config import config_of
from hubwire.integrations.quickbooks.schedule import EXPORT
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.sandbox.models import Grant
from hubwire.sandbox.quickbooks.models import Company
from hubwire.sync.models import Schedule
from tests.conftest import SANDBOX_DB, in_threads
from tests.integrations import oauth_flow
from tests.integrations.quickbooks.conftest import CLIENT_ID, CLIENT_SECRET, VERIFIER_TOKEN

pytestmark = SANDBOX_DB


@pytest.fixture
def quickbooks(quickbooks_on):
    """The tab's story: QuickBooks turned on with the switch before connecting."""
    return quickbooks_on

TAB = "/integrations/quickbooks/"
API_HOST, TOKEN_HOST, REVOKE_HOST = "quickbooks.api.intuit.com", "oauth.platform.intuit.com", "developer.api.intuit.com"


def company_name(realm_id: str) -> str:
    return Company.objects.get(realm_id=realm_id).name


def refresh_calls(sandbox) -> list:
    return sandbox.calls(TOKEN_HOST, "/oauth2/v1/tokens/bearer", note="refresh_token")


def test_turn_on_paste_credentials_connect_and_see_the_company(sandbox, owner_client, workspace, owner):
    before = owner_client.get(TAB).content.decode()
    assert 'data-testid="quickbooks-off"' in before and "Turn QuickBooks on to set it up" in before
    assert 'data-testid="credentials-form"' not in before and 'data-testid="connect"' not in before

    assert owner_client.post("/integrations/quickbooks/enable/", {"enabled": "1"}).status_code == 302
    connection = Connection.objects.get(workspace=workspace, provider="quickbooks")
    assert connection.status == ConnectionStatus.NOT_CONNECTED and config_of(connection).enabled
    page = owner_client.get(TAB).content.decode()
    assert 'data-testid="credentials-form"' in page and 'data-testid="connect"' in page

    # A bad shape is a field error naming the field, and nothing is saved.
    response = owner_client.post("/integrations/quickbooks/credentials/", {
        "mode": "", "client_id": "not an id!", "client_secret": "short", "verifier_token": "tiny"})
    assert response.status_code == 422
    errors = response.context["credential_errors"]
    assert set(errors) == {"client_id", "client_secret", "verifier_token"}
    assert errors["client_id"].startswith("Client ID: 10 to 80 letters and digits")
    connection.refresh_from_db()
    assert connection.credentials == {} and connection.status == ConnectionStatus.NOT_CONNECTED

    response = owner_client.post("/integrations/quickbooks/credentials/", {
        "mode": "", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "verifier_token": VERIFIER_TOKEN})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.SETUP_INCOMPLETE
    assert connection.credentials == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                      "verifier_token": VERIFIER_TOKEN}

    authorize_url = oauth_flow.start(owner_client, "quickbooks")
    assert authorize_url.startswith(f"{sandbox.base_url}/sandbox/appcenter.intuit.com/connect/oauth2?")
    assert "scope=com.intuit.quickbooks.accounting" in authorize_url
    callback = oauth_flow.consent(authorize_url, email="books@intuit.example")
    assert oauth_flow.finish(owner_client, callback)["Location"] == TAB

    connection.refresh_from_db()
    [grant] = Grant.objects.all()
    realm_id = grant.subject["realm_id"]
    assert connection.status == ConnectionStatus.ACTIVE and connection.connected_by == owner
    assert connection.external_account_id == connection.details["realmId"] == realm_id
    assert connection.account_name == company_name(realm_id)
    assert sandbox.calls(API_HOST, f"/v3/company/{realm_id}/companyinfo/{realm_id}")

    page = owner_client.get(TAB)
    html = page.content.decode()
    assert f'<span data-testid="account">{connection.account_name}</span>' in html
    panel = page.context["panels"][0]
    assert panel["facts"] == [("Company", connection.account_name), ("Realm ID", realm_id)]
    card = dict((p.key, c) for p, c in page.context["cards"])["quickbooks"]
    assert (card.colour, card.detail) == ("green", connection.account_name)
    assert f"QuickBooks is connected as {connection.account_name}." in [m.message for m in page.context["messages"]]
    # The export schedule runs, at the chosen time.
    export = Schedule.objects.get(workspace=workspace, provider="quickbooks", name=EXPORT)
    assert export.enabled and export.month_days == [5, 10, 15, 20, 25, 30]


def test_disconnect_from_hubwire_revokes_at_intuit_and_keeps_the_set_up(quickbooks, owner_client, workspace):
    owner_client.post("/integrations/quickbooks/choices/", {"item_name": "Consulting", "tax": "none",
                                                            "export_time": "07:30"})
    response = owner_client.post("/integrations/quickbooks/disconnect/", {"mode": ""})
    assert response.status_code == 302

    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.NOT_CONNECTED
    assert (connection.access_token, connection.refresh_token, connection.account_name) == ("", "", "")
    revokes = quickbooks.sandbox.calls(REVOKE_HOST, "/v2/oauth2/tokens/revoke")
    assert [c.status for c in revokes] == [200]
    assert quickbooks.sandbox.tokens("intuit", revoked_at=None) == []
    # The Intuit app's credentials and the business's choices stay for the next connect.
    config = config_of(connection)
    assert connection.credentials["client_id"] == CLIENT_ID
    assert (config.enabled, config.item_name, config.tax, config.export_time) == (True, "Consulting", "none", "07:30")
    html = owner_client.get(TAB).content.decode()
    assert 'data-testid="connect"' in html and 'data-testid="disconnect"' not in html


@pytest.mark.parametrize("intuit_side", ["grant revoked", "access expired and refresh token revoked"])
def test_invalid_grant_turns_quickbooks_red_with_reconnect(quickbooks, owner_client, workspace, intuit_side):
    if intuit_side == "grant revoked":
        quickbooks.sandbox.control("revoke", server="intuit")
    else:
        quickbooks.control("quickbooks-expire-tokens")
        quickbooks.sandbox.control("revoke", server="intuit", kind="refresh")

    with pytest.raises(NeedsReconnect, match="no longer accepts hubwire's authorization"):
        with company_api(quickbooks.connection) as qbo:
            qbo.company_info()

    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.NEEDS_ATTENTION
    assert "Reconnect QuickBooks to continue" in connection.status_reason
    assert [c.status for c in quickbooks.sandbox.calls(API_HOST)][-1] == 401
    assert [c.status for c in refresh_calls(quickbooks.sandbox)] == [400]  # invalid_grant
    page = owner_client.get(TAB)
    assert 'data-testid="reconnect"' in page.content.decode()
    assert dict((p.key, c) for p, c in page.context["cards"])["quickbooks"].colour == "red"

    oauth_flow.connect(owner_client, workspace, "quickbooks", email="books@intuit.example")
    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.ACTIVE and connection.status_reason == ""
    with company_api(connection) as qbo:
        assert qbo.company_info()["CompanyName"] == connection.account_name


def test_twenty_workers_refreshing_at_once_make_one_token_call_and_keep_the_newest_refresh_token(quickbooks):
    old_access, old_refresh = quickbooks.connection.access_token, quickbooks.connection.refresh_token
    quickbooks.control("quickbooks-expire-tokens")
    Connection.objects.filter(pk=quickbooks.connection.pk).update(access_token_expires_at=timezone.now())

    def read_company():
        with company_api(Connection.objects.get(pk=quickbooks.connection.pk)) as qbo:
            return qbo.company_info()["CompanyName"]

    results, errors = in_threads(20, read_company)

    assert errors == []
    assert results == [quickbooks.connection.account_name] * 20
    assert len(refresh_calls(quickbooks.sandbox)) == 1
    connection = quickbooks.refresh()
    assert connection.access_token != old_access and connection.refresh_token != old_refresh
    # Intuit rotated the refresh token: the one hubwire kept is the only one still alive there.
    [live_refresh] = quickbooks.sandbox.tokens("intuit", kind="refresh", revoked_at=None)
    assert live_refresh.value == connection.refresh_token
    assert AuditEntry.objects.filter(action="refreshed").count() == 1
