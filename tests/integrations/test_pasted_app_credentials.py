"""QuickBooks' shape of the framework: the business pastes its own Intuit app's credentials (card
orange, "setup incomplete"), then connects with them; Intuit's realmId from the callback and its
refresh-token lifetime from the token answer are kept; Disconnect revokes with a JSON body."""

import pytest

from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.provider import QuickBooks
from hubwire.integrations.registry import PROVIDERS
from hubwire.sandbox.models import Grant
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow

pytestmark = SANDBOX_DB


@pytest.fixture
def quickbooks_ready(monkeypatch, sandbox):
    """The QuickBooks tab as it will be once its issue lands: the framework part is what is tested here."""
    monkeypatch.setitem(PROVIDERS, "quickbooks", type("BuiltQuickBooks", (QuickBooks,), {"built": True})())


def test_paste_credentials_then_connect_keeps_realm_id(quickbooks_ready, sandbox, owner_client, workspace):
    owner_client.post("/integrations/quickbooks/connect/", {"mode": ""})
    assert oauth_flow.flashes(owner_client, "quickbooks") == ["Save your QuickBooks API credentials first."]

    response = owner_client.post("/integrations/quickbooks/credentials/", {
        "mode": "", "client_id": "sandbox-quickbooks", "client_secret": "sandbox-quickbooks-secret"})
    assert response.status_code == 302
    connection = Connection.objects.get(provider="quickbooks")
    assert connection.status == ConnectionStatus.SETUP_INCOMPLETE
    card = dict((p.key, c) for p, c in owner_client.get("/integrations/").context["cards"])["quickbooks"]
    assert (card.colour, card.detail) == ("orange", "Credentials saved. Click Connect QuickBooks to finish.")

    authorize_url = oauth_flow.start(owner_client, "quickbooks")
    assert authorize_url.startswith(f"{sandbox.base_url}/sandbox/appcenter.intuit.com/connect/oauth2?")
    callback = oauth_flow.consent(authorize_url, email="books@intuit.example")
    assert "realmId=" in callback
    oauth_flow.finish(owner_client, callback)

    connection.refresh_from_db()
    [grant] = Grant.objects.all()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.details["realmId"] == connection.external_account_id == grant.subject["realm_id"]
    lifetime = connection.refresh_token_expires_at - connection.connected_at
    assert 99 < lifetime.total_seconds() / 86400 <= 100  # from x_refresh_token_expires_in
    assert sandbox.calls("oauth.platform.intuit.com", "/oauth2/v1/tokens/bearer", note="authorization_code")

    owner_client.post("/integrations/quickbooks/disconnect/", {"mode": ""})
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NOT_CONNECTED and connection.refresh_token == ""
    assert [c.status for c in sandbox.calls("developer.api.intuit.com")] == [200]
    assert sandbox.tokens("intuit", revoked_at=None) == []
    assert connection.credentials["client_id"] == "sandbox-quickbooks"  # the app's credentials stay for next time
