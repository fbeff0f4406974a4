"""The OAuth 2.0 dance through a live server and the sandbox: authorize → consent → callback →
tokens stored encrypted → refresh → disconnect revokes; and every way a callback can be wrong."""

import httpx
import pytest
from django.test import Client

from hubwire.core.models import AuditEntry
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS, AuthKind, Provider, register, unregister
from hubwire.integrations.tokens import NeedsReconnect, connection_client
from hubwire.sandbox.models import Grant
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations import oauth_flow

pytestmark = SANDBOX_DB
ZOOM = PROVIDERS["zoom"]


def users_me(connection) -> httpx.Response:
    with connection_client(ZOOM, connection) as client:
        return client.get(ZOOM.url("api", "/v2/users/me"))


def test_connect_refresh_and_disconnect_through_the_sandbox(sandbox, owner_client, workspace, owner):
    authorize_url = oauth_flow.start(owner_client)
    assert authorize_url.startswith(f"{sandbox.base_url}/sandbox/zoom.us/oauth/authorize?")
    assert "code_challenge_method=S256" in authorize_url

    callback = oauth_flow.consent(authorize_url, email="dana.scully@zoom.example")
    assert oauth_flow.finish(owner_client, callback)["Location"] == "/integrations/zoom/"
    connection = Connection.objects.get(workspace=workspace, provider="zoom")

    # Connected, as the account the consent page signed in, with the sandbox's own tokens.
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.account_name == "Dana Scully <dana.scully@zoom.example>"
    [grant] = Grant.objects.all()
    assert grant.code_challenge  # PKCE S256 was used
    assert connection.external_account_id == grant.subject["account_id"]
    [access] = sandbox.tokens("zoom", kind="access", revoked_at=None)
    [refresh] = sandbox.tokens("zoom", kind="refresh", revoked_at=None)
    assert (connection.access_token, connection.refresh_token) == (access.value, refresh.value)
    assert connection.refresh_token_expires_at is not None and connection.connected_by == owner
    assert "is connected as Dana Scully" in oauth_flow.flashes(owner_client)[0]

    # The access token expires: the next call refreshes first, and the rotated refresh token is kept.
    sandbox.control("expire", server="zoom", kind="access")
    Connection.objects.filter(pk=connection.pk).update(access_token_expires_at=access.expires_at)
    assert users_me(connection).status_code == 200
    connection.refresh_from_db()
    assert len(sandbox.calls("zoom.us", "/oauth/token", note="refresh_token")) == 1
    assert connection.refresh_token != refresh.value and connection.access_token != access.value
    assert [t.value for t in sandbox.tokens("zoom", kind="refresh", revoked_at=None)] == [connection.refresh_token]

    # The provider rejects a token hubwire still thinks is fresh: one 401, one refresh, one retry.
    sandbox.control("expire", server="zoom", kind="access")
    assert users_me(connection).status_code == 200
    assert len(sandbox.calls("zoom.us", "/oauth/token", note="refresh_token")) == 2
    assert [c.status for c in sandbox.calls("api.zoom.us")][-2:] == [401, 200]

    # Disconnect revokes at Zoom, then forgets the tokens.
    response = owner_client.post("/integrations/zoom/disconnect/", {"mode": ""})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NOT_CONNECTED
    assert (connection.access_token, connection.refresh_token) == ("", "")
    assert sandbox.tokens("zoom", revoked_at=None) == []
    assert [c.status for c in sandbox.calls("zoom.us", "/oauth/revoke")] == [200]
    actions = list(AuditEntry.objects.filter(workspace=workspace).order_by("id").values_list("action", "actor__email"))
    assert actions == [("connected", owner.email), ("refreshed", None), ("refreshed", None),
                       ("disconnected", owner.email)]


def test_deny_at_the_consent_page_changes_nothing(sandbox, owner_client, workspace):
    callback = oauth_flow.consent(oauth_flow.start(owner_client), decision="deny")
    assert "error=access_denied" in callback
    oauth_flow.finish(owner_client, callback)
    assert not Connection.objects.exists()
    assert oauth_flow.flashes(owner_client) == ["You declined access at Zoom. Nothing was changed."]

    connection = oauth_flow.connect(owner_client, workspace)
    oauth_flow.finish(owner_client, oauth_flow.consent(oauth_flow.start(owner_client), decision="deny"))
    after = Connection.objects.get(pk=connection.pk)
    assert (after.status, after.access_token, after.refresh_token) == (
        ConnectionStatus.ACTIVE, connection.access_token, connection.refresh_token)


def test_a_replayed_state_is_refused(sandbox, owner_client, workspace):
    callback = oauth_flow.consent(oauth_flow.start(owner_client))
    oauth_flow.finish(owner_client, callback)
    connection = Connection.objects.get()
    oauth_flow.flashes(owner_client)  # read the success message

    oauth_flow.finish(owner_client, callback)
    assert "already been used or has expired" in oauth_flow.flashes(owner_client)[0]
    assert len(sandbox.calls("zoom.us", "/oauth/token")) == 1  # the code was not exchanged again
    assert Connection.objects.get().access_token == connection.access_token


def test_a_state_from_another_session_is_refused(sandbox, owner_client, owner, workspace, other_workspace, outsider):
    callback = oauth_flow.consent(oauth_flow.start(owner_client))
    for stranger in (logged_in(owner), logged_in(outsider)):  # same user in another browser; another workspace
        oauth_flow.finish(stranger, callback)
        assert "started in another session" in oauth_flow.flashes(stranger)[0]
    assert not Connection.objects.exists()
    assert sandbox.calls("zoom.us", "/oauth/token") == []


@pytest.mark.parametrize("query, words", [
    ("code=abc", "carried no state"),
    ("code=abc&state=forged", "already been used or has expired"),
])
def test_a_callback_without_a_valid_state_is_refused(sandbox, owner_client, query, words):
    owner_client.get(f"/integrations/zoom/callback/?{query}")
    assert words in oauth_flow.flashes(owner_client)[0]
    assert not Connection.objects.exists()


def test_a_provider_error_is_shown_in_plain_words(sandbox, owner_client):
    authorize_url = oauth_flow.start(owner_client)
    state = httpx.URL(authorize_url).params["state"]
    owner_client.get(f"/integrations/zoom/callback/?error=server_error&error_description=Try+later&state={state}")
    assert oauth_flow.flashes(owner_client) == ["Zoom did not connect: Try later. Nothing was changed."]
    assert not Connection.objects.exists()


def test_a_bad_code_is_refused_by_the_provider(sandbox, owner_client):
    authorize_url = oauth_flow.start(owner_client)
    state = httpx.URL(authorize_url).params["state"]
    owner_client.get(f"/integrations/zoom/callback/?code=not-a-code&state={state}")
    message = oauth_flow.flashes(owner_client)[0]
    assert message.startswith("Zoom refused the sign-in: Invalid authorization code.")
    assert not Connection.objects.exists()


def test_only_owners_and_admins_connect(sandbox, workspace, member):
    client = logged_in(member)
    assert client.post("/integrations/zoom/connect/", {"mode": ""}).status_code == 403
    assert client.post("/integrations/zoom/disconnect/", {"mode": ""}).status_code == 403
    assert client.get("/integrations/zoom/").status_code == 200


def test_a_revoked_grant_puts_the_connection_in_needs_attention(sandbox, owner_client, workspace):
    connection = oauth_flow.connect(owner_client, workspace)
    sandbox.control("revoke", server="zoom")
    with pytest.raises(NeedsReconnect, match="no longer accepts"):
        users_me(connection)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_ATTENTION
    page = owner_client.get("/integrations/zoom/").content.decode()
    assert 'data-testid="reconnect"' in page and "Needs attention" in page
    assert 'data-testid="integration-alert"' in owner_client.get("/").content.decode()  # the banner, app-wide
    assert AuditEntry.objects.filter(action="needs_attention").exists()

    # Reconnect brings it back to green.
    oauth_flow.connect(owner_client, workspace)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE and connection.status_reason == ""


def test_unconfigured_provider_offers_no_connect(sandbox, owner_client, settings):
    settings.HUBWIRE_SANDBOX = False
    response = owner_client.post("/integrations/zoom/connect/", {"mode": ""})
    assert response.status_code == 302 and response["Location"] == "/integrations/zoom/"
    assert "HUBWIRE_ZOOM_CLIENT_ID" in oauth_flow.flashes(owner_client)[0]


class Upcoming(Provider):
    """A provider declared before it is built (every provider of this version is built)."""

    key = "upcoming-test"
    name = "Upcoming (test)"
    auth_kind = AuthKind.OAUTH2
    built = False


def test_an_unbuilt_provider_offers_no_connect(sandbox, owner_client):
    register(Upcoming)
    try:
        page = owner_client.get("/integrations/upcoming-test/").content.decode()
        assert 'data-testid="not-built"' in page and 'data-testid="connect"' not in page
        owner_client.post("/integrations/upcoming-test/connect/", {"mode": ""})
        assert "cannot be connected from here yet" in oauth_flow.flashes(owner_client)[0]
        assert not Connection.objects.exists()
    finally:
        unregister(Upcoming.key)


def test_the_sandbox_is_off_unless_enabled(live_server, settings):
    settings.HUBWIRE_SANDBOX = False
    assert httpx.get(f"{live_server.url}/sandbox/zoom.us/oauth/authorize").status_code == 404
    assert Client().post("/sandbox/_control/reset/").status_code == 404
