"""Pasted API credentials (Twilio's Account SID and Auth Token) are checked, first by their shape and
then with the provider, and stored encrypted; bad ones are named field by field and change nothing."""

import pytest
from django.db import connection as db

from hubwire.core.models import AuditEntry
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.twilio.provider import Twilio
from hubwire.sandbox import twilio as sandbox_twilio
from tests.conftest import SANDBOX_DB, logged_in

pytestmark = SANDBOX_DB
URL = "/integrations/twilio/credentials/"


@pytest.fixture
def twilio_ready(monkeypatch, sandbox):
    """The SMS tab as it will be once its issue lands: the framework part is what is tested here."""
    # On the class itself: a subclass would live in this test module, away from the provider's folder
    # (its urls.py and templates), which the tab needs.
    monkeypatch.setattr(Twilio, "built", True)


@pytest.mark.parametrize("posted, field, words", [
    ({"account_sid": "", "auth_token": ""}, "account_sid", "Account SID is required."),
    ({"account_sid": "XY123", "auth_token": "0" * 32}, "account_sid", "starts with AC followed by 32"),
    ({"account_sid": "AC" + "0" * 32, "auth_token": "not-hex"}, "auth_token", "32 hexadecimal characters"),
])
def test_badly_shaped_credentials_are_named_and_nothing_is_stored(twilio_ready, owner_client, posted, field, words):
    response = owner_client.post(URL, {"mode": "", **posted})
    assert response.status_code == 422
    assert words in response.context["credential_errors"][field]
    assert words in response.content.decode()
    assert not Connection.objects.exists()


def test_credentials_the_provider_refuses_are_named_and_nothing_is_stored(twilio_ready, owner_client, sandbox):
    response = owner_client.post(URL, {"mode": "", "account_sid": sandbox_twilio.ACCOUNT_SID, "auth_token": "f" * 32})
    assert response.status_code == 422
    assert "did not accept these credentials" in response.context["credential_errors"]["account_sid"]
    assert "Authentication Error" in response.context["credential_errors"]["account_sid"]
    assert not Connection.objects.exists()
    assert [c.status for c in sandbox.calls("api.twilio.com")] == [401]


def test_good_credentials_are_verified_and_stored_encrypted(twilio_ready, owner_client, workspace):
    response = owner_client.post(URL, {"mode": "", "account_sid": sandbox_twilio.ACCOUNT_SID,
                                       "auth_token": sandbox_twilio.AUTH_TOKEN})
    assert response.status_code == 302
    connection = Connection.objects.get(workspace=workspace, provider="twilio")
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.account_name == "Sandbox Twilio account"
    assert connection.credentials == {"account_sid": sandbox_twilio.ACCOUNT_SID, "auth_token": sandbox_twilio.AUTH_TOKEN}
    with db.cursor() as cursor:
        cursor.execute("SELECT credentials FROM integrations_connection")
        [(stored,)] = cursor.fetchall()
    assert sandbox_twilio.AUTH_TOKEN not in stored
    assert AuditEntry.objects.filter(action="credentials_saved", subject="twilio").exists()
    page = owner_client.get("/integrations/twilio/").content.decode()
    assert sandbox_twilio.AUTH_TOKEN not in page  # a saved secret is never shown back

    owner_client.post("/integrations/twilio/disconnect/", {"mode": ""})
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NOT_CONNECTED and connection.credentials == {}


def test_members_cannot_change_credentials(twilio_ready, workspace, member):
    response = logged_in(member).post(URL, {"mode": "", "account_sid": sandbox_twilio.ACCOUNT_SID,
                                            "auth_token": sandbox_twilio.AUTH_TOKEN})
    assert response.status_code == 403
    assert not Connection.objects.exists()


def test_a_forged_mode_is_a_field_error_and_nothing_is_stored(twilio_ready, owner_client):
    response = owner_client.post(URL, {"mode": "live", "account_sid": sandbox_twilio.ACCOUNT_SID,
                                       "auth_token": sandbox_twilio.AUTH_TOKEN})
    assert response.status_code == 422
    assert response.context["credential_errors"]["mode"] == "Choose one of: no mode."
    assert "Choose one of: no mode." in response.content.decode()
    assert not Connection.objects.exists()
