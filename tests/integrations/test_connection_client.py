"""One client for a connection whatever its auth (tokens.connection_client): a connection with
pasted credentials (Twilio's Account SID and Auth Token) calls with HTTP Basic through the one HTTP
module, over real HTTP against the sandbox Twilio; when Twilio stops accepting the token the card
turns red asking for the new one, and nothing tries to refresh (there is nothing to refresh)."""

import httpx
import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.http import provider_client
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.services import credentials_save
from hubwire.integrations.tokens import NeedsReconnect, PastedCredentialsAuth, connection_client
from hubwire.sandbox import twilio as sandbox_twilio
from hubwire.sandbox.models import Call
from tests.conftest import SANDBOX_DB

pytestmark = SANDBOX_DB
TWILIO = PROVIDERS["twilio"]
ACCOUNT = f"/2010-04-01/Accounts/{sandbox_twilio.ACCOUNT_SID}.json"
ROTATED_AWAY = "f" * 32  # a token Twilio no longer accepts (the business made a new one in its Console)


@pytest.fixture
def twilio(sandbox, workspace, owner):
    return credentials_save(workspace=workspace, actor=owner, provider=TWILIO, mode="", data={
        "account_sid": sandbox_twilio.ACCOUNT_SID, "auth_token": sandbox_twilio.AUTH_TOKEN})


def test_a_pasted_credentials_connection_calls_with_basic_auth(sandbox, twilio):
    with connection_client(TWILIO, twilio) as client:
        response = client.get(TWILIO.url("api", ACCOUNT))
    assert response.status_code == 200 and response.json()["friendly_name"] == "Sandbox Twilio account"
    assert [c.status for c in sandbox.calls("api.twilio.com", ACCOUNT)] == [200, 200]  # pasting, then this call
    twilio.refresh_from_db()
    assert twilio.status == ConnectionStatus.ACTIVE


def test_a_token_twilio_no_longer_accepts_turns_the_card_red_asking_for_the_new_one(sandbox, twilio):
    twilio.credentials = {**twilio.credentials, "auth_token": ROTATED_AWAY}
    twilio.save()
    with connection_client(TWILIO, twilio) as client, pytest.raises(NeedsReconnect) as refused:
        client.get(TWILIO.url("api", ACCOUNT))

    twilio.refresh_from_db()
    assert twilio.status == ConnectionStatus.NEEDS_ATTENTION
    assert "no longer accepts the Auth Token" in twilio.status_reason
    assert "Paste the new one" in twilio.status_reason and str(refused.value) == twilio.status_reason
    assert ROTATED_AWAY not in twilio.status_reason
    assert AuditEntry.objects.filter(action="needs_attention", subject="twilio").exists()
    # One refused call and no attempt at anything else: no token endpoint, no second try.
    assert [c.status for c in sandbox.calls("api.twilio.com", ACCOUNT)] == [200, 401]
    assert not Call.objects.exclude(host="api.twilio.com").exists()
    assert twilio.refresh_token == "" and twilio.access_token == ""


def test_a_connection_needing_attention_makes_no_call(sandbox, twilio):
    twilio.credentials = {**twilio.credentials, "auth_token": ROTATED_AWAY}
    twilio.save()
    with connection_client(TWILIO, twilio) as client:
        with pytest.raises(NeedsReconnect):
            client.get(TWILIO.url("api", ACCOUNT))
        with pytest.raises(NeedsReconnect, match="no longer accepts the Auth Token"):
            client.get(TWILIO.url("api", ACCOUNT))
    assert len(sandbox.calls("api.twilio.com", ACCOUNT)) == 2  # pasting, then the refused call


class PastedWhileInFlight(httpx.HTTPTransport):
    """The owner pastes the new Auth Token while hubwire's call with the old one is on its way."""

    def __init__(self, connection):
        super().__init__()
        self.connection, self.pasted = connection, False

    def handle_request(self, request):
        if not self.pasted:
            Connection.objects.filter(pk=self.connection.pk).update(credentials={
                "account_sid": sandbox_twilio.ACCOUNT_SID, "auth_token": sandbox_twilio.AUTH_TOKEN})
            self.pasted = True
        return super().handle_request(request)


def test_credentials_pasted_while_a_call_was_out_are_tried_once_instead_of_turning_red(sandbox, twilio):
    twilio.credentials = {**twilio.credentials, "auth_token": ROTATED_AWAY}
    twilio.save()
    with provider_client(TWILIO, auth=PastedCredentialsAuth(TWILIO, twilio), inner=PastedWhileInFlight(twilio)) \
            as client:
        assert client.get(TWILIO.url("api", ACCOUNT)).status_code == 200
    assert [c.status for c in sandbox.calls("api.twilio.com", ACCOUNT)] == [200, 401, 200]
    twilio.refresh_from_db()
    assert twilio.status == ConnectionStatus.ACTIVE


def test_a_provider_may_bring_its_own_auth(sandbox, twilio):
    """Provider.client_auth: e.g. an API key instead of the account's own token (providers.md §6.1)."""
    key = httpx.BasicAuth(sandbox_twilio.ACCOUNT_SID, sandbox_twilio.AUTH_TOKEN)
    keyed = type("KeyedTwilio", (type(TWILIO),), {"client_auth": lambda self, connection: key})()
    twilio.credentials = {**twilio.credentials, "auth_token": ROTATED_AWAY}  # not what is sent
    twilio.save()
    with connection_client(keyed, twilio) as client:
        assert client.get(keyed.url("api", ACCOUNT)).status_code == 200

