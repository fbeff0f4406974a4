"""View Groups (issue 21, items 5 and 6), over HTTP against the sandbox Google Workspace in the live
server: the groups mirror across pages, Create group (taken, unverified domain, bad input), a
group's members with their roles, adding ten members of which one is bad (dry run first), a quota
error among them, removing, changing a role, tenancy and the member role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubwire.core.models import AuditEntry
from hubwire.integrations.google_workspace.group_models import WorkspaceGroup, WorkspaceGroupMember
from hubwire.sandbox.google_workspace.models import Group as GoogleGroup
from hubwire.sandbox.google_workspace.models import Member as GoogleMember
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.google_workspace.conftest import (ANSWERED_AFTER, LOST_AFTER, PLAIN_USER, SUPER_ADMIN,
                                                          connect_workspace, late_answers_given)
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB

ADMIN = SUPER_ADMIN
HOST = "admin.googleapis.com"
NINE = [f"user{n:05d}@northwind.example" for n in range(1, 10)]
NOBODY = "nobody@northwind.example"


@pytest.fixture
def connected(directory, sandbox):
    """Connected as the super admin (conftest's `directory`); a user made now is visible at once."""
    sandbox.control("workspace-new-user-delay", seconds=0)
    return directory


def refresh(client) -> None:
    response = client.post(reverse("integrations:google_workspace_groups_refresh"))
    assert response.status_code == 302, response.content


def group_named(email: str) -> WorkspaceGroup:
    return WorkspaceGroup.objects.get(email=email)


def google_members(group_email: str) -> dict[str, str]:
    """What Google holds: the group's members and their roles."""
    return dict(GoogleMember.objects.using("sandbox").filter(group__email=group_email).values_list("email", "role"))


def directory_calls(sandbox, method: str, path_contains: str = "") -> list:
    return [c for c in sandbox.calls(HOST) if c.method == method and path_contains in c.path]


def open_group(client, group: WorkspaceGroup, **params):
    return client.get(reverse("integrations:google_workspace_group", args=[group.pk]), params)


def add_members(client, group: WorkspaceGroup, addresses: list[str] | str, *, role="MEMBER", confirm=False):
    text = addresses if isinstance(addresses, str) else "\n".join(addresses)
    data = {"addresses": text, "role": role, **({"confirm": "1"} if confirm else {})}
    return client.post(reverse("integrations:google_workspace_group_members_add", args=[group.pk]), data)


def results_of(response) -> dict[str, str]:
    return {r.email: r.outcome for r in response.context["results"]}


# --- the list ----------------------------------------------------------------------------------------

def test_groups_are_mirrored_across_pages_with_their_member_counts(connected, owner_client, sandbox):
    seeded = sandbox.control("workspace-seed", users=3, groups=250, members_per_group=2)
    refresh(owner_client)

    assert WorkspaceGroup.objects.filter(connection=connected).count() == seeded["groups"] > 200
    lists = directory_calls(sandbox, "GET", "/admin/directory/v1/groups")
    assert len([c for c in lists if c.path.rstrip("/").endswith("/groups")]) >= 2  # 200 a page: two pages at least
    team = group_named("team@northwind.example")
    assert team.direct_members_count == GoogleGroup.objects.using("sandbox").get(
        email="team@northwind.example").direct_members_count > 1
    assert group_named("group0001@northwind.example").direct_members_count == 2

    first = owner_client.get(reverse("integrations:google_workspace_groups"))
    assert first.status_code == 200 and len(first.context["groups_page"]) == 50
    last_page = first.context["groups_page"].paginator.num_pages
    last = owner_client.get(reverse("integrations:google_workspace_groups"), {"page": last_page})
    assert len(last.context["groups_page"]) == seeded["groups"] - 50 * (last_page - 1)
    found = owner_client.get(reverse("integrations:google_workspace_groups"), {"q": "TEAM"})
    assert [g.email for g in found.context["groups_page"]] == ["team@northwind.example"]
    assert b'data-testid="gws-group-count">' + str(team.direct_members_count).encode() in found.content


def test_the_groups_page_costs_the_same_queries_however_many_groups(connected, owner_client, sandbox):
    def queries_of_the_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(reverse("integrations:google_workspace_groups"), {"q": "group"}).status_code == 200
        return len(captured)

    sandbox.control("workspace-seed", users=0, groups=10, members_per_group=0)
    refresh(owner_client)
    few = queries_of_the_page()
    sandbox.control("workspace-seed", users=0, groups=130, members_per_group=0)
    refresh(owner_client)
    assert queries_of_the_page() == few


def test_a_group_deleted_in_google_leaves_the_mirror_on_the_next_refresh(connected, owner_client, sandbox):
    refresh(owner_client)
    assert WorkspaceGroup.objects.filter(email="design@northwind.example").exists()
    GoogleGroup.objects.using("sandbox").filter(email="design@northwind.example").delete()
    refresh(owner_client)
    assert not WorkspaceGroup.objects.filter(email="design@northwind.example").exists()
    assert WorkspaceGroup.objects.filter(email="team@northwind.example").exists()


# --- creating a group --------------------------------------------------------------------------------

def create(client, **fields):
    data = {"email": "sales@northwind.example", "name": "Sales team", "description": "Quotes and leads", **fields}
    return client.post(reverse("integrations:google_workspace_group_new"), data)


def test_create_a_group_on_a_verified_domain(connected, owner_client, sandbox):
    response = create(owner_client)
    group = group_named("sales@northwind.example")
    assert response.status_code == 302 and response["Location"] == reverse("integrations:google_workspace_group",
                                                                           args=[group.pk])
    held = GoogleGroup.objects.using("sandbox").get(email="sales@northwind.example")
    assert (held.name, held.description, held.group_id) == ("Sales team", "Quotes and leads", group.google_id)
    assert AuditEntry.objects.filter(action="google_workspace_group_created", detail__contains="sales@").exists()


def test_an_address_already_taken_is_said_and_nothing_is_mirrored(connected, owner_client, sandbox):
    response = create(owner_client, email="team@northwind.example")
    assert response.status_code == 422
    assert "That address is taken" in response.context["errors"]["email"]
    response = create(owner_client, email=ADMIN)  # a user's address is taken too
    assert response.status_code == 422 and "taken" in response.context["errors"]["email"]
    assert not WorkspaceGroup.objects.filter(email=ADMIN).exists()


def test_an_unverified_domain_is_refused_before_anything_is_sent(connected, owner_client, sandbox):
    response = create(owner_client, email="studio@northwind-studio.example")
    assert response.status_code == 422
    said = response.context["errors"]["email"]
    assert "northwind-studio.example is not one of your Workspace's verified domains" in said
    assert not directory_calls(sandbox, "POST", "/groups")
    assert not GoogleGroup.objects.using("sandbox").filter(email="studio@northwind-studio.example").exists()


@pytest.mark.parametrize("fields, field, words", [
    ({"email": ""}, "email", "Type the group's address"),
    ({"email": "not an address"}, "email", "is not an email address"),
    ({"name": "  "}, "name", "Give the group a name"),
    ({"name": "x" * 76}, "name", "At most 75 characters"),
    ({"description": "d" * 4097}, "description", "At most 4,096 characters"),
])
def test_bad_input_is_named_at_its_field_and_nothing_is_sent(connected, owner_client, sandbox, fields, field, words):
    response = create(owner_client, **fields)
    assert response.status_code == 422
    assert words in response.context["errors"][field]
    assert f'data-testid="gws-group-error-{field}"'.encode() in response.content  # shown at the field
    assert not directory_calls(sandbox, "POST", "/groups")


def test_a_create_whose_answer_was_lost_is_read_back_and_adopted_once(connected, owner_client, sandbox, settings):
    settings.HUBWIRE_GOOGLE_WORKSPACE_TIMEOUT_SECONDS = LOST_AFTER
    sandbox.control("workspace-slow-next", seconds=ANSWERED_AFTER, method="POST", path_contains="/groups")
    response = create(owner_client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GoogleGroup.objects.using("sandbox").filter(email="sales@northwind.example").count() == 1
    assert WorkspaceGroup.objects.filter(email="sales@northwind.example").count() == 1
    # Read back by its address after the timeout, and never sent a second time.
    assert directory_calls(sandbox, "GET", "/groups/sales@northwind.example")
    assert not [c for c in directory_calls(sandbox, "POST", "/groups") if c.status == 409]


# --- members -----------------------------------------------------------------------------------------

def test_opening_a_group_reads_its_members_with_their_roles(connected, owner_client, sandbox):
    refresh(owner_client)
    team = group_named("team@northwind.example")
    response = open_group(owner_client, team)
    assert response.status_code == 200
    shown = {m.email: m.role for m in response.context["members_page"]}
    assert shown == google_members("team@northwind.example")
    assert {"OWNER", "MANAGER", "MEMBER"} <= set(shown.values())
    assert [m.role for m in response.context["members_page"]][0] == "OWNER"  # owners first
    assert set(WorkspaceGroupMember.objects.filter(group=team).values_list("type", flat=True)) <= {
        "USER", "GROUP", "CUSTOMER", "EXTERNAL"}


def test_the_dry_run_says_what_will_happen_and_changes_nothing(connected, owner_client, sandbox):
    sandbox.control("workspace-seed", users=9, groups=0, members_per_group=0)
    owner_client.post(reverse("integrations:google_workspace_sync_now"))
    run_jobs()
    refresh(owner_client)
    team = group_named("team@northwind.example")
    open_group(owner_client, team)
    before = google_members("team@northwind.example")
    already = next(iter(before))
    posts_before = len(directory_calls(sandbox, "POST"))

    response = add_members(owner_client, team, [*NINE[:2], f"{NINE[2]} manager", already, "not-an-address", NOBODY])

    assert response.status_code == 200
    will = {p.email: (p.will, p.role) for p in response.context["preview"]}
    assert will[NINE[0]] == ("add", "MEMBER") and will[NINE[2]] == ("add", "MANAGER")
    assert will[already][0] == "already"
    assert will["not-an-address"][0] == "invalid"
    assert will[NOBODY][0] == "no_user"
    assert b"Nothing has been sent to Google yet" in response.content
    assert google_members("team@northwind.example") == before
    assert len(directory_calls(sandbox, "POST")) == posts_before
    assert not AuditEntry.objects.filter(action="google_workspace_member_added").exists()


def test_ten_members_of_which_one_is_bad_the_nine_are_added_and_the_one_says_why(connected, owner_client, sandbox):
    sandbox.control("workspace-seed", users=9, groups=0, members_per_group=0)
    refresh(owner_client)
    design = group_named("design@northwind.example")
    open_group(owner_client, design)

    response = add_members(owner_client, design, [*NINE[:4], NOBODY, *NINE[4:]], confirm=True)

    assert response.status_code == 200
    outcomes = results_of(response)
    assert [outcomes[e] for e in NINE] == ["added"] * 9
    assert outcomes[NOBODY] == "no_user"
    words = {r.email: r.words for r in response.context["results"]}
    assert "No such user" in words[NOBODY]
    held = google_members("design@northwind.example")
    assert set(NINE) <= set(held) and NOBODY not in held
    assert set(NINE) <= set(WorkspaceGroupMember.objects.filter(group=design).values_list("email", flat=True))
    design.refresh_from_db()
    assert design.direct_members_count == len(held)
    assert AuditEntry.objects.filter(action="google_workspace_member_added").count() == 9


def test_a_quota_error_among_the_ten_backs_off_and_every_member_is_added(connected, owner_client, sandbox):
    sandbox.control("workspace-seed", users=10, groups=0, members_per_group=0)
    refresh(owner_client)
    design = group_named("design@northwind.example")
    ten = [*NINE, "user00010@northwind.example"]
    sandbox.control("workspace-fail-next", count=3, status=403, reason="userRateLimitExceeded", method="POST",
                    path_contains="/members")

    response = add_members(owner_client, design, ten, confirm=True)

    assert [results_of(response)[e] for e in ten] == ["added"] * 10
    assert set(ten) <= set(google_members("design@northwind.example"))
    refused = [c for c in directory_calls(sandbox, "POST", "/members") if c.status == 403]
    assert len(refused) == 3  # retried after a backoff, never shown as a failure


def test_a_quota_error_that_outlasts_the_retries_fails_that_member_only(connected, owner_client, sandbox, settings):
    settings.HUBWIRE_GOOGLE_WORKSPACE_QUOTA_RETRIES = 2
    sandbox.control("workspace-seed", users=3, groups=0, members_per_group=0)
    refresh(owner_client)
    design = group_named("design@northwind.example")
    sandbox.control("workspace-fail-next", count=3, status=403, reason="userRateLimitExceeded", method="POST",
                    path_contains="/members")

    response = add_members(owner_client, design, NINE[:3], confirm=True)

    outcomes = results_of(response)
    assert outcomes == {NINE[0]: "failed", NINE[1]: "added", NINE[2]: "added"}
    assert "Add it again in a moment" in {r.email: r.words for r in response.context["results"]}[NINE[0]]
    assert NINE[0] not in google_members("design@northwind.example")


def test_a_member_add_whose_answer_was_lost_is_checked_before_it_is_reported(connected, owner_client, sandbox,
                                                                             settings):
    sandbox.control("workspace-seed", users=2, groups=0, members_per_group=0)
    refresh(owner_client)
    design = group_named("design@northwind.example")
    settings.HUBWIRE_GOOGLE_WORKSPACE_TIMEOUT_SECONDS = LOST_AFTER
    sandbox.control("workspace-slow-next", seconds=ANSWERED_AFTER, method="POST", path_contains="/members")

    response = add_members(owner_client, design, NINE[:2], confirm=True)

    assert results_of(response) == {NINE[0]: "added", NINE[1]: "added"}
    assert set(NINE[:2]) <= set(google_members("design@northwind.example"))
    assert directory_calls(sandbox, "GET", f"/members/{NINE[0]}")  # the lost one was read back, not sent again
    assert not [c for c in directory_calls(sandbox, "POST", "/members") if c.status == 409]
    late_answers_given(sandbox, f"/groups/{design.google_id}/members", 2)


def test_remove_a_member(connected, owner_client, sandbox):
    refresh(owner_client)
    team = group_named("team@northwind.example")
    open_group(owner_client, team)
    member = WorkspaceGroupMember.objects.filter(group=team, role="MEMBER").first()

    response = owner_client.post(reverse("integrations:google_workspace_group_member_remove",
                                         args=[team.pk, member.pk]))

    assert response.status_code == 302
    assert member.email not in google_members("team@northwind.example")
    assert not WorkspaceGroupMember.objects.filter(pk=member.pk).exists()
    team.refresh_from_db()
    assert team.direct_members_count == len(google_members("team@northwind.example"))
    assert AuditEntry.objects.filter(action="google_workspace_member_removed", detail__contains=member.email).exists()


def test_change_a_members_role(connected, owner_client, sandbox):
    refresh(owner_client)
    team = group_named("team@northwind.example")
    open_group(owner_client, team)
    member = WorkspaceGroupMember.objects.filter(group=team, role="MEMBER").first()

    url = reverse("integrations:google_workspace_group_member_role", args=[team.pk, member.pk])
    assert owner_client.post(url, {"role": "MANAGER"}).status_code == 302

    assert google_members("team@northwind.example")[member.email] == "MANAGER"
    member.refresh_from_db()
    assert member.role == "MANAGER"
    assert AuditEntry.objects.filter(action="google_workspace_member_role_changed",
                                     detail__contains="member → manager").exists()
    refused = owner_client.post(url, {"role": "KING"})
    assert refused.status_code == 422 and google_members("team@northwind.example")[member.email] == "MANAGER"


# --- who may ---------------------------------------------------------------------------------------

def test_another_workspaces_group_is_a_404(connected, owner_client, sandbox, outsider):
    refresh(owner_client)
    team = group_named("team@northwind.example")
    open_group(owner_client, team)
    member = WorkspaceGroupMember.objects.filter(group=team).first()
    stranger = logged_in(outsider)
    assert open_group(stranger, team).status_code == 404
    assert add_members(stranger, team, NINE[:1], confirm=True).status_code == 404
    for name, data in [("google_workspace_group_member_remove", {}), ("google_workspace_group_member_role",
                                                                      {"role": "OWNER"})]:
        assert stranger.post(reverse(f"integrations:{name}", args=[team.pk, member.pk]), data).status_code == 404
    assert member.email in google_members("team@northwind.example")


def test_a_plain_member_sees_the_groups_but_cannot_change_them(connected, owner_client, sandbox, member):
    refresh(owner_client)
    team = group_named("team@northwind.example")
    open_group(owner_client, team)
    someone = WorkspaceGroupMember.objects.filter(group=team).first()
    before = google_members("team@northwind.example")
    client = logged_in(member)

    listed = client.get(reverse("integrations:google_workspace_groups"))
    assert listed.status_code == 200 and b'data-testid="gws-groups-refresh"' not in listed.content
    assert b"gws-add-form" not in open_group(client, team).content
    assert add_members(client, team, NINE[:1], confirm=True).status_code == 403
    assert client.post(reverse("integrations:google_workspace_group_member_remove",
                               args=[team.pk, someone.pk])).status_code == 403
    assert client.post(reverse("integrations:google_workspace_group_member_role", args=[team.pk, someone.pk]),
                       {"role": "OWNER"}).status_code == 403
    assert create(client).status_code == 403
    assert client.post(reverse("integrations:google_workspace_groups_refresh")).status_code == 403
    assert google_members("team@northwind.example") == before
    assert not GoogleGroup.objects.using("sandbox").filter(email="sales@northwind.example").exists()


def test_without_a_super_admin_connection_the_page_says_what_is_missing(sandbox, owner_client, workspace):
    connect_workspace(owner_client, workspace, email=PLAIN_USER)
    response = owner_client.get(reverse("integrations:google_workspace_groups"))
    assert response.status_code == 200
    assert "not an administrator" in response.context["problem"]


def test_a_user_just_created_is_added_once_google_shows_it_not_called_missing(connected, owner_client, sandbox):
    sandbox.control("clock-freeze", frozen=True)  # only hubwire's waits move it (conftest)
    sandbox.control("workspace-new-user-delay", seconds=2)  # Google's propagation after users.insert
    created = owner_client.post("/integrations/google_workspace/users/new/", {
        "given_name": "Nora", "family_name": "Quinn", "local_part": "nora.quinn", "domain": "northwind.example",
        "change_at_next_login": "1"})
    assert created.status_code == 200, created.content.decode()[:1000]
    design = group_named("design@northwind.example")

    response = add_members(owner_client, design, ["nora.quinn@northwind.example"], confirm=True)

    assert results_of(response)["nora.quinn@northwind.example"] == "added"
    posts = directory_calls(sandbox, "POST", f"/groups/{design.google_id}/members")
    assert posts[0].status == 404 and posts[-1].status == 200  # waited while Google showed 404, then added
    assert "nora.quinn@northwind.example" in google_members("design@northwind.example")
