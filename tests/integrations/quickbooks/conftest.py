"""A workspace connected to sandbox QuickBooks over real HTTP, as its owner does it: paste the Intuit
app's credentials, press Connect, consent on the sandbox's Intuit page, come back with the realmId."""

from dataclasses import dataclass

import pytest

from hubwire.integrations.models import Connection, ConnectionStatus
from tests.integrations import oauth_flow

CLIENT_ID, CLIENT_SECRET = "sandbox-quickbooks", "sandbox-quickbooks-secret"
VERIFIER_TOKEN = "sandbox-quickbooks-webhook-secret"  # the sandbox's verifier token for that app


@dataclass
class ConnectedCompany:
    connection: Connection
    sandbox: object

    @property
    def realm_id(self) -> str:
        return self.connection.external_account_id

    def control(self, action: str, **data) -> dict:
        """A sandbox QuickBooks test hook for this company (realm_id filled in)."""
        return self.sandbox.control(action, realm_id=self.realm_id, **data)

    def refresh(self) -> Connection:
        self.connection.refresh_from_db()
        return self.connection


def connect_quickbooks(client, workspace, *, email: str = "books@intuit.example") -> Connection:
    response = client.post("/integrations/quickbooks/credentials/", {
        "mode": "", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "verifier_token": VERIFIER_TOKEN})
    assert response.status_code == 302, response.content
    connection = oauth_flow.connect(client, workspace, "quickbooks", email=email)
    assert connection.status == ConnectionStatus.ACTIVE, connection.status_reason
    return connection


@pytest.fixture
def quickbooks(sandbox, owner_client, workspace) -> ConnectedCompany:
    """Connected, with the integration not turned on yet: tests turn it on (config.enable) when their
    story needs it, so that what happens at the moment of turning on is theirs to see."""
    return ConnectedCompany(connect_quickbooks(owner_client, workspace), sandbox)


@pytest.fixture
def quickbooks_on(sandbox, owner_client, workspace) -> ConnectedCompany:
    """As the owner does it on the tab: turn QuickBooks on with the switch, then connect."""
    assert owner_client.post("/integrations/quickbooks/enable/", {"enabled": "1"}).status_code == 302
    return ConnectedCompany(connect_quickbooks(owner_client, workspace), sandbox)
