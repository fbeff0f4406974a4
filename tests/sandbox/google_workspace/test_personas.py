"""Who may use the sandbox Directory (providers.md §5 "How a non-super-admin fails"): the personas
of the Google consent page, each signed in through the sandbox Google OAuth, the scopes a token
carries, and what userinfo says of each account."""

import httpx
import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.google_workspace.conftest import (
    CONSUMER, HELPDESK, NEW_USER, OWNER, SCOPE, STAFF, TIMEOUT, assert_google_error, directory_client, issue_token)
from tests.sandbox.google_workspace.schema import validate

pytestmark = SANDBOX_DB
LIST_USERS = ("GET", "/users", {"params": {"customer": "my_customer"}})
USER_CALLS = [LIST_USERS, ("GET", "/users/ana.lima@northwind.example", {}),
              ("POST", "/users", {"json": NEW_USER}),
              ("PATCH", "/users/ana.lima@northwind.example", {"json": {"suspended": True}}),
              ("POST", "/users/ana.lima@northwind.example/makeAdmin", {"json": {"status": True}}),
              ("DELETE", "/users/ana.lima@northwind.example", {})]
GROUP_CALLS = [("GET", "/groups", {"params": {"customer": "my_customer"}}),
               ("GET", "/groups/team@northwind.example", {}),
               ("POST", "/groups", {"json": {"email": "ops@northwind.example"}}),
               ("GET", "/groups/team@northwind.example/members", {}),
               ("POST", "/groups/design@northwind.example/members",
                {"json": {"email": "ben.okafor@northwind.example"}}),
               ("GET", "/groups/team@northwind.example/hasMember/staff@northwind.example", {}),
               ("GET", "/customer/my_customer/domains", {})]


def call(client, method, path, kwargs):
    return client.request(method, path, **kwargs)


@pytest.mark.parametrize("email", [STAFF, CONSUMER, "emma.wright@northwind.example"])
def test_anyone_but_an_admin_is_forbidden_everything(sandbox, email):
    client = directory_client(sandbox, email)
    for method, path, kwargs in USER_CALLS + GROUP_CALLS:
        assert_google_error(call(client, method, path, kwargs), 403, "forbidden",
                            "Not Authorized to access this resource/api")
    assert sandbox.control("workspace-user", email="ana.lima@northwind.example")["suspended"] is False


def test_the_helpdesk_manages_groups_but_not_users(sandbox):
    helpdesk = directory_client(sandbox, HELPDESK)
    for method, path, kwargs in USER_CALLS:
        assert_google_error(call(helpdesk, method, path, kwargs), 403, "forbidden")
    for method, path, kwargs in GROUP_CALLS[:-1]:
        assert call(helpdesk, method, path, kwargs).status_code == 200, path
    assert_google_error(call(helpdesk, *GROUP_CALLS[-1]), 403, "forbidden")  # domains: not its privilege


def test_the_super_admin_may_do_everything(sandbox, owner):
    sandbox.control("workspace-new-user-delay", seconds=0)
    for method, path, kwargs in USER_CALLS + GROUP_CALLS:
        assert call(owner, method, path, kwargs).status_code in (200, 204), path


def test_a_helpdesk_cannot_make_an_admin_even_with_the_users_privilege(sandbox):
    from hubwire.sandbox.google_workspace.models import DirectoryUser

    sandbox.control("workspace-user", email=HELPDESK)  # seeds the directory
    DirectoryUser.objects.filter(primary_email=HELPDESK).update(admin_privileges="groups,users")
    helpdesk = directory_client(sandbox, HELPDESK)
    assert helpdesk.get("/users", params={"customer": "my_customer"}).status_code == 200
    assert_google_error(helpdesk.post("/users/staff@northwind.example/makeAdmin", json={"status": True}),
                        403, "forbidden")


def test_a_token_without_the_method_s_scope_is_refused(sandbox):
    groups_only = directory_client(sandbox, OWNER, scope=SCOPE + "group.readonly")
    assert_google_error(groups_only.get("/users", params={"customer": "my_customer"}), 403, "insufficientPermissions",
                        "insufficient authentication scopes")
    assert groups_only.get("/groups", params={"customer": "my_customer"}).status_code == 200
    assert_google_error(groups_only.post("/groups", json={"email": "ops@northwind.example"}), 403,
                        "insufficientPermissions")
    readonly = directory_client(sandbox, OWNER, scope=SCOPE + "user.readonly")
    assert readonly.get("/users/ana.lima@northwind.example").status_code == 200
    assert_google_error(readonly.patch("/users/ana.lima@northwind.example", json={"suspended": True}), 403,
                        "insufficientPermissions")


def test_no_token_or_a_revoked_one_is_401(sandbox, owner):
    url = str(owner.base_url).rstrip("/") + "/users"
    assert_google_error(httpx.get(url, params={"customer": "my_customer"}, timeout=TIMEOUT), 401, "authError")
    sandbox.control("revoke", server="google")
    assert_google_error(owner.get("/users", params={"customer": "my_customer"}), 401, "authError")


def userinfo(sandbox, token: str) -> httpx.Response:
    return httpx.get(f"{sandbox.base_url}/sandbox/openidconnect.googleapis.com/v1/userinfo",
                     headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)


def test_userinfo_names_the_workspace_domain_of_a_workspace_account(sandbox, owner):
    info = userinfo(sandbox, issue_token(sandbox, HELPDESK)).json()
    assert info["email"] == HELPDESK and info["email_verified"] is True and info["hd"] == "northwind.example"
    directory_id = validate(owner.get(f"/users/{HELPDESK}").json(), "User")["id"]
    assert info["sub"] == directory_id and info["name"]
    consumer = userinfo(sandbox, issue_token(sandbox, CONSUMER)).json()
    assert consumer["email"] == CONSUMER and "hd" not in consumer and consumer["sub"]
    refused = userinfo(sandbox, "not-a-token")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_request"


def test_the_consent_page_offers_the_personas(sandbox):
    page = httpx.get(f"{sandbox.base_url}/sandbox/accounts.google.com/o/oauth2/v2/auth", timeout=TIMEOUT, params={
        "client_id": "sandbox-x", "redirect_uri": "https://hubwire.example/cb", "response_type": "code"})
    assert page.status_code == 200
    for email in (OWNER, HELPDESK, STAFF, CONSUMER):
        assert f'<option value="{email}">' in page.text and f"<code>{email}</code>" in page.text
    assert 'list="personas"' in page.text
