"""Tenancy on every Google Workspace users route, found in google_workspace/urls.py rather than listed
(the groups routes, from group_urls.py, are walked by test_groups_tenancy.py): signed out, a sign-in
first; a member, 403 on what only owners and admins may do; another workspace's owner, a 404 for
this workspace's users and nothing of this workspace changed or read."""

import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.google_workspace import group_urls, urls as workspace_urls
from hubwire.integrations.google_workspace.models import DirectoryUser
from hubwire.integrations.models import Connection
from hubwire.sync.models import SyncPass
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.provider_routes import routes as provider_routes

pytestmark = SANDBOX_DB

OBJECT_PARAMETERS = {"user_id": lambda things: things["user"].pk, "google_id": lambda things: things["user"].google_id}
# Routes whose parameter names a user at Google, not a row of hubwire's: they reach Google only through
# the asking workspace's own connection, so another workspace is answered as on its own routes.
AT_GOOGLE = {"google_workspace_user_undelete"}
# Routes a member (not an owner or admin) may use, each with the reason.
MEMBER_MAY = {
    "google_workspace_sync_now": "reading the domain's users again changes nothing in Google",
    "google_workspace_users": "the list of the team's email accounts is for the whole team to see",
    "google_workspace_user": "one account's page, read only",
}
# Every field any of these forms takes, with values that would change something if accepted.
POSTED = {"given_name": "Eve", "family_name": "Intruder", "local_part": "eve", "domain": "northwind.example",
          "admin": "1", "confirm": "", "lines": "Eve Intruder eve@northwind.example", "apply": "1"}


GROUP_ROUTES = {p.name for p in group_urls.urlpatterns}


class _Users:
    """urls.py's own routes, without those group_urls.py adds."""

    urlpatterns = [p for p in workspace_urls.urlpatterns if p.name not in GROUP_ROUTES]


@pytest.fixture
def things(directory, workspace):
    return {"user": DirectoryUser.objects.filter(connection=directory, is_admin=False).order_by("pk").first()}


def routes(things):
    return provider_routes(_Users, OBJECT_PARAMETERS, things)


def snapshot(workspace) -> dict:
    connection = Connection.objects.get(workspace=workspace, provider="google_workspace")
    return {"connection": (connection.status, connection.details),
            "users": list(DirectoryUser.objects.filter(workspace=workspace).values_list(
                "id", "status", "is_admin", "given_name", "etag")),
            "passes": SyncPass.objects.filter(workspace=workspace).count(),
            "audit": AuditEntry.objects.filter(workspace=workspace).count()}


def test_every_route_parameter_is_known(things):
    for pattern in _Users.urlpatterns:
        unknown = set(pattern.pattern.converters) - set(OBJECT_PARAMETERS)
        assert not unknown, f"{pattern.name}: add {unknown} to OBJECT_PARAMETERS"
    assert len(routes(things)) == 14


def test_signed_out_every_route_asks_to_sign_in_first(things, client, workspace):
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        sign_in = [m for m, r in answers.items() if r.status_code == 302 and r["Location"].startswith("/login/?next=")]
        assert sign_in, (name, {m: r.status_code for m, r in answers.items()})
    assert snapshot(workspace) == before


def test_a_member_gets_403_on_every_route_that_changes_users(things, member, workspace):
    client = logged_in(member)
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        if name in MEMBER_MAY:
            continue
        for method in ("get", "post"):
            status = getattr(client, method)(url, POSTED).status_code
            assert status in (403, 405), (name, method, status)
    assert snapshot(workspace) == before


def test_another_workspace_gets_404_for_this_workspaces_users_and_changes_nothing_here(things, outsider, workspace):
    client = logged_in(outsider)
    before = snapshot(workspace)
    for name, url, names_an_object in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        codes = {method: response.status_code for method, response in answers.items()}
        if names_an_object and name not in AT_GOOGLE:
            assert set(codes.values()) <= {404, 405} and 404 in codes.values(), (name, codes)
        else:  # a route of "my workspace": the outsider's own has no Google Workspace
            assert set(codes.values()) <= {302, 404, 405}, (name, codes)
        for response in answers.values():
            assert things["user"].primary_email.encode() not in response.content, name
    assert snapshot(workspace) == before
