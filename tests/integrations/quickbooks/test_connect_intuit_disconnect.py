"""Intuit's Disconnect URL (/integrations/quickbooks/disconnected/): where Intuit sends the browser after
the user disconnects hubwire inside QuickBooks. The request proves nothing: hubwire asks Intuit (over
HTTP, at the sandbox) about the signed-in user's own workspace's connection and acts on that answer."""

import pytest
from django.test import Client

from hubwire.core.models import AuditEntry
from hubwire.integrations.models import Connection, ConnectionStatus
from tests.conftest import SANDBOX_DB, logged_in

pytestmark = SANDBOX_DB


@pytest.fixture
def quickbooks(quickbooks_on):
    """The tab's story: QuickBooks turned on with the switch before connecting."""
    return quickbooks_on

URL = "/integrations/quickbooks/disconnected/"
TAB = "/integrations/quickbooks/"
API_HOST = "quickbooks.api.intuit.com"


def company_info_calls(quickbooks) -> list:
    realm = quickbooks.realm_id
    return quickbooks.sandbox.calls(API_HOST, f"/v3/company/{realm}/companyinfo/{realm}")


def open_disconnect_url(client) -> tuple[list[str], str]:
    """Open the URL as Intuit's redirect does; (the flashed words, the tab's HTML) after it."""
    client.get(TAB)  # the words flashed before (connecting) are read and gone
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == TAB
    tab = client.get(TAB)
    return [m.message for m in tab.context["messages"]], tab.content.decode()


def card_colour(client) -> str:
    return dict((p.key, c) for p, c in client.get(TAB).context["cards"])["quickbooks"].colour


@pytest.mark.parametrize("who", ["owner", "member"])
def test_after_a_disconnect_in_quickbooks_the_tokens_go_and_quickbooks_is_grey(request, quickbooks, who):
    """Whoever disconnected in QuickBooks lands here; a member may, since Intuit's answer decides."""
    quickbooks.sandbox.control("revoke", server="intuit")  # what disconnecting inside QuickBooks does
    client = logged_in(request.getfixturevalue(who))

    flashed, html = open_disconnect_url(client)

    assert flashed == ["QuickBooks was disconnected from hubwire in QuickBooks: Intuit no longer accepts hubwire's "
                       "authorization, so hubwire deleted its tokens and sends nothing more to QuickBooks. Reconnect "
                       "QuickBooks to continue."]
    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.NOT_CONNECTED
    assert (connection.access_token, connection.refresh_token) == ("", "")
    assert connection.credentials  # the Intuit app's credentials stay, for Reconnect
    assert card_colour(client) == "grey"
    assert AuditEntry.objects.filter(action="deauthorized", subject="quickbooks").exists()
    assert [c.status for c in company_info_calls(quickbooks)][-1] == 401  # it asked Intuit
    if who == "owner":
        assert 'data-testid="connect"' in html
    else:
        assert 'data-testid="connect"' not in html and "Only the workspace's owners and admins can connect" in html


def test_opening_the_url_while_intuit_still_accepts_hubwire_changes_nothing(quickbooks, owner_client):
    calls_before = len(company_info_calls(quickbooks))

    flashed, html = open_disconnect_url(owner_client)

    assert flashed == [f"QuickBooks still accepts hubwire's authorization for {quickbooks.connection.account_name}, so "
                       "nothing was changed. To disconnect, use Disconnect on this tab."]
    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.ACTIVE and connection.refresh_token
    assert len(company_info_calls(quickbooks)) == calls_before + 1
    assert card_colour(owner_client) == "green"


def test_quickbooks_refusing_hubwire_even_after_a_renewal_turns_it_red_with_reconnect(quickbooks, owner_client):
    realm = quickbooks.realm_id
    quickbooks.sandbox.control("fault", host=API_HOST, path=f"/v3/company/{realm}/companyinfo", status=401, count=2)

    flashed, html = open_disconnect_url(owner_client)

    assert flashed[0].startswith("QuickBooks refuses hubwire's access even with a renewed authorization (")
    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.NEEDS_ATTENTION and connection.refresh_token  # kept for now
    assert connection.status_reason == flashed[0]
    assert len(quickbooks.sandbox.calls("oauth.platform.intuit.com", note="refresh_token")) == 1  # it renewed first
    assert 'data-testid="reconnect"' in html and card_colour(owner_client) == "red"


def test_when_intuit_cannot_be_reached_nothing_changes(quickbooks, owner_client):
    realm = quickbooks.realm_id
    quickbooks.sandbox.control("fault", host=API_HOST, path=f"/v3/company/{realm}/companyinfo", status=503, count=20)

    flashed, _ = open_disconnect_url(owner_client)

    assert flashed[0].startswith("hubwire could not reach QuickBooks to check whether it was disconnected")
    assert flashed[0].endswith("Nothing was changed; hubwire will find out at its next call to QuickBooks.")
    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.ACTIVE and connection.refresh_token


def test_a_red_connection_stays_red_and_is_not_called(quickbooks, owner_client):
    Connection.objects.filter(pk=quickbooks.connection.pk).update(status=ConnectionStatus.NEEDS_ATTENTION,
                                                                 status_reason="5 calls failed in a row.")
    calls_before = len(quickbooks.sandbox.calls(API_HOST))

    flashed, html = open_disconnect_url(owner_client)

    assert flashed == ["QuickBooks already needs reconnecting: 5 calls failed in a row."]
    assert len(quickbooks.sandbox.calls(API_HOST)) == calls_before
    assert quickbooks.refresh().refresh_token and 'data-testid="reconnect"' in html


def test_signed_out_the_url_asks_to_sign_in_first_and_calls_nobody(quickbooks):
    calls_before = len(quickbooks.sandbox.calls(API_HOST))
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"] == f"/login/?next={URL}"
    assert len(quickbooks.sandbox.calls(API_HOST)) == calls_before
    assert quickbooks.refresh().status == ConnectionStatus.ACTIVE


def test_another_workspaces_user_only_ever_touches_their_own_workspace(quickbooks, outsider):
    quickbooks.sandbox.control("revoke", server="intuit")  # even with the grant gone, it is not theirs
    calls_before = len(quickbooks.sandbox.calls(API_HOST))

    flashed, _ = open_disconnect_url(logged_in(outsider))

    assert flashed == ["QuickBooks is not connected to this workspace, so there was nothing to disconnect."]
    connection = quickbooks.refresh()
    assert connection.status == ConnectionStatus.ACTIVE and connection.refresh_token
    assert len(quickbooks.sandbox.calls(API_HOST)) == calls_before


def test_only_a_plain_get_is_answered(quickbooks, owner_client):
    assert owner_client.post(URL).status_code == 405
    assert quickbooks.refresh().status == ConnectionStatus.ACTIVE
