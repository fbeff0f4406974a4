"""Who reaches which portal page and route: the owner, a member and an outsider (team logins, no
portal session), a client of account A and a client of account B; and the team's portal routes."""

import pytest
from django.test import Client

from hubwire.crm.models import ContractStatus, Message
from hubwire.portal.models import PortalAccess, PortalUser
from tests.conftest import logged_in
from tests.portal.conftest import portal_url, signed_in

pytestmark = pytest.mark.django_db


def client_pages(ws, things) -> list[str]:
    """Every portal page, the object pages being those of `things`' account."""
    return [portal_url(ws, p) for p in [
        "", "projects/", f"projects/{things['project'].pk}/", "invoices/", f"invoices/{things['invoice'].pk}/",
        "contracts/", f"contracts/{things['contract'].pk}/", "messages/", "change-password/"]]


def client_object_pages(ws, things) -> list[str]:
    return [portal_url(ws, p) for p in [f"projects/{things['project'].pk}/", f"invoices/{things['invoice'].pk}/",
                                        f"contracts/{things['contract'].pk}/"]]


def client_posts(ws, things) -> list[tuple[str, dict]]:
    return [(portal_url(ws, f"invoices/{things['invoice'].pk}/pay/"), {}),
            (portal_url(ws, f"contracts/{things['contract'].pk}/"), {"agree": "on"}),
            (portal_url(ws, "messages/"), {"body": "Hello from someone"}),
            (portal_url(ws, "change-password/"), {"current": "x", "password": "y", "confirm": "y"})]


def unchanged(things) -> bool:
    things["contract"].refresh_from_db()
    return things["contract"].status == ContractStatus.SENT and not Message.objects.exists()


@pytest.mark.parametrize("who", ["owner", "member", "outsider"])
def test_team_logins_are_not_portal_logins(request, who, workspace, a):
    """The team's session opens no portal page: the portal has its own session."""
    client = logged_in(request.getfixturevalue(who))
    sign_in = portal_url(workspace, "sign-in/")
    for url in client_pages(workspace, a):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(sign_in), url
    for url, data in client_posts(workspace, a):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(sign_in), url
    assert unchanged(a)


def test_anonymous_visitors_are_sent_to_the_portal_sign_in_with_where_they_were_going(workspace, a):
    response = Client().get(portal_url(workspace, f"invoices/{a['invoice'].pk}/"))
    assert response.status_code == 302
    assert response["Location"] == portal_url(workspace, f"sign-in/?next=%2Fportal%2F{workspace.pk}%2Finvoices%2F"
                                                         f"{a['invoice'].pk}%2F")


def test_a_client_opens_every_page_of_their_own_account(workspace, a, b):
    client = signed_in(workspace, "maya@acme.test")
    for url in client_pages(workspace, a):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b["account"].name not in response.content.decode(), url
    assert a["project"].name in client.get(portal_url(workspace, "projects/")).content.decode()
    assert "ACME Creative moodboards" in client.get(client_object_pages(workspace, a)[0]).content.decode()


def test_a_client_of_another_account_gets_404_for_every_object_and_action(workspace, a, b):
    client = signed_in(workspace, "hank@globex.test")
    for url in client_object_pages(workspace, a):
        assert client.get(url).status_code == 404, url
    for url, data in client_posts(workspace, a)[:2]:
        assert client.post(url, data).status_code == 404, url
    assert unchanged(a)
    for page in ["projects/", "invoices/", "contracts/", "messages/", ""]:
        body = client.get(portal_url(workspace, page)).content.decode()
        assert a["account"].name not in body and a["invoice"].number not in body, page


def test_guessed_ids_and_the_teams_drafts_are_404(workspace, a):
    client = signed_in(workspace, "maya@acme.test")
    for path in ["projects/999999/", "invoices/999999/", "contracts/999999/", f"invoices/{a['draft_invoice'].pk}/",
                 f"contracts/{a['draft_contract'].pk}/"]:
        assert client.get(portal_url(workspace, path)).status_code == 404, path
    assert client.post(portal_url(workspace, f"contracts/{a['draft_contract'].pk}/"), {"agree": "on"}).status_code == 404
    assert client.post(portal_url(workspace, f"invoices/{a['draft_invoice'].pk}/pay/")).status_code == 404
    body = client.get(portal_url(workspace, "invoices/")).content.decode()
    assert a["invoice"].number in body and a["draft_invoice"].number not in body


def test_a_client_of_another_workspace_is_not_signed_in_here_and_keeps_their_own_session(workspace, a, other_workspace,
                                                                                         outsider):
    from tests.portal.conftest import account_with_things

    account_with_things(other_workspace, outsider, "Initech Labs", "peter@initech.test")
    client = signed_in(other_workspace, "peter@initech.test")
    response = client.get(portal_url(workspace, f"invoices/{a['invoice'].pk}/"))
    assert response.status_code == 302 and response["Location"].startswith(portal_url(workspace, "sign-in/"))
    # Their email is not a login in this workspace.
    assert client.post(portal_url(workspace, "sign-in/"), {"email": "peter@initech.test",
                                                           "password": "plum-orchard-sunrise-47"}).status_code == 200
    assert client.get(portal_url(other_workspace)).status_code == 200


# --- the team's portal routes -------------------------------------------------------------------

def team_gets(a) -> list[str]:
    return [f"/integrations/portal/accounts/{a['account'].pk}/", "/integrations/portal/"]


def team_posts(a) -> list[tuple[str, dict]]:
    contact = a["contact"].pk
    return [(f"/integrations/portal/contacts/{contact}/invite/", {}),
            (f"/integrations/portal/contacts/{contact}/password/", {"password": "another-fine-password-9"}),
            (f"/integrations/portal/contacts/{contact}/login/", {"allowed": "0"}),
            (f"/integrations/portal/accounts/{a['account'].pk}/access/", {"enabled": "0"})]


def portal_untouched(a) -> bool:
    login = PortalUser.objects.get(contact=a["contact"])
    return (PortalAccess.objects.get(account=a["account"]).enabled and login.allowed and login.session_version == 2
            and not login.tokens.exists())


def test_owner_manages_portal_logins(owner, workspace, a):
    client = logged_in(owner)
    for url in team_gets(a):
        assert client.get(url).status_code == 200, url
    for url, data in team_posts(a):
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content)
    login = PortalUser.objects.get(contact=a["contact"])
    assert not PortalAccess.objects.get(account=a["account"]).enabled
    assert not login.allowed and login.tokens.count() == 1 and login.has_password


def test_member_sees_but_cannot_change_portal_access(member, workspace, a):
    client = logged_in(member)
    for url in team_gets(a):
        assert client.get(url).status_code == 200, url
    assert "portal-toggle" not in client.get("/integrations/portal/").content.decode()
    for url, data in team_posts(a):
        assert client.post(url, data).status_code == 403, url
    assert portal_untouched(a)


def test_outsider_gets_404_on_every_team_portal_route(outsider, workspace, a):
    client = logged_in(outsider)
    assert client.get(team_gets(a)[0]).status_code == 404
    assert f"portal-account-{a['account'].pk}" not in client.get("/integrations/portal/").content.decode()
    for url, data in team_posts(a):
        assert client.post(url, data).status_code == 404, url
    assert portal_untouched(a)


def test_clients_are_not_team_users(workspace, a):
    client = signed_in(workspace, "maya@acme.test")
    for url in team_gets(a) + ["/", "/invoices/", f"/invoices/{a['invoice'].pk}/", "/messages/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url, data in team_posts(a):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert portal_untouched(a)


def test_a_forged_toggle_value_is_refused(owner, workspace, a):
    client = logged_in(owner)
    response = client.post(f"/integrations/portal/accounts/{a['account'].pk}/access/", {"enabled": "maybe"})
    assert response.status_code == 400 and b"enabled" in response.content
    response = client.post(f"/integrations/portal/contacts/{a['contact'].pk}/login/", {"allowed": ""})
    assert response.status_code == 400 and b"allowed" in response.content
    assert portal_untouched(a)

