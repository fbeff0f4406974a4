"""Delete group, over HTTP against the sandbox Google Workspace in the live server: a page that says
what goes and asks for the address typed out; a wrong or missing confirmation deletes nothing; a
group already gone from Google leaves the mirror; a delete whose answer was lost is sent again and
done; a refusal is said in words and nothing is removed; another workspace gets a 404, a plain
member a 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hubwire.core.models import AuditEntry
from hubwire.integrations.google_workspace.group_models import WorkspaceGroup, WorkspaceGroupMember
from hubwire.sandbox.google_workspace.models import Group as GoogleGroup
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.google_workspace.conftest import ANSWERED_AFTER, LOST_AFTER, late_answers_given

pytestmark = SANDBOX_DB

HOST = "admin.googleapis.com"
DESIGN = "design@northwind.example"


@pytest.fixture
def design(directory, owner_client):
    """The seeded design group, mirrored and opened once (so its members are mirrored too)."""
    assert owner_client.post(reverse("integrations:google_workspace_groups_refresh")).status_code == 302
    group = WorkspaceGroup.objects.get(email=DESIGN)
    assert owner_client.get(reverse("integrations:google_workspace_group", args=[group.pk])).status_code == 200
    return group


def delete_url(group) -> str:
    return reverse("integrations:google_workspace_group_delete", args=[group.pk])


def at_google(email: str = DESIGN) -> bool:
    return GoogleGroup.objects.using("sandbox").filter(email=email).exists()


def deletes_sent(sandbox) -> list:
    return [c for c in sandbox.calls(HOST) if c.method == "DELETE" and "/groups/" in c.path]


def test_the_page_says_what_goes_and_typing_the_address_deletes_the_group(design, owner_client, sandbox):
    assert WorkspaceGroupMember.objects.filter(group=design).exists()
    group_page = owner_client.get(reverse("integrations:google_workspace_group", args=[design.pk]) + "?page=1")
    assert b'data-testid="gws-group-delete"' in group_page.content

    page = owner_client.get(delete_url(design))
    assert page.status_code == 200
    warning = page.content.decode()
    assert "mail sent to it bounces" in warning and "The members' own accounts and their mail stay" in warning
    assert f"Type {DESIGN} to confirm" in warning
    assert not deletes_sent(sandbox), "opening the page sends nothing"

    response = owner_client.post(delete_url(design), {"confirm": f"  {DESIGN.upper()} "})
    assert response.status_code == 302 and response["Location"] == reverse("integrations:google_workspace_groups")
    assert not at_google()
    assert not WorkspaceGroup.objects.filter(pk=design.pk).exists()
    assert not WorkspaceGroupMember.objects.filter(group_id=design.pk).exists()
    assert AuditEntry.objects.filter(action="google_workspace_group_deleted", detail__startswith=DESIGN).exists()
    listed = owner_client.get(response["Location"]).content.decode()
    assert f"Group {DESIGN} is deleted from Google Workspace." in listed


@pytest.mark.parametrize("typed", ["", "team@northwind.example"])
def test_a_wrong_or_missing_confirmation_deletes_nothing(design, owner_client, sandbox, typed):
    response = owner_client.post(delete_url(design), {"confirm": typed})
    assert response.status_code == 422
    assert response.context["errors"]["confirm"] == f"Type {DESIGN} to confirm."
    assert b'data-testid="error-confirm"' in response.content
    assert not deletes_sent(sandbox)
    assert at_google() and WorkspaceGroup.objects.filter(pk=design.pk).exists()


def test_a_group_already_gone_from_google_leaves_the_mirror(design, owner_client, sandbox):
    GoogleGroup.objects.using("sandbox").filter(email=DESIGN).delete()
    response = owner_client.post(delete_url(design), {"confirm": DESIGN})
    assert response.status_code == 302
    assert [c.status for c in deletes_sent(sandbox)] == [404]
    assert not WorkspaceGroup.objects.filter(pk=design.pk).exists()


def test_a_delete_whose_answer_was_lost_is_sent_again_and_done(design, owner_client, sandbox, settings):
    settings.HUBWIRE_GOOGLE_WORKSPACE_TIMEOUT_SECONDS = LOST_AFTER
    sandbox.control("workspace-slow-next", seconds=ANSWERED_AFTER, method="DELETE", path_contains="/groups/")
    response = owner_client.post(delete_url(design), {"confirm": DESIGN})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not at_google() and not WorkspaceGroup.objects.filter(pk=design.pk).exists()
    late_answers_given(sandbox, f"/groups/{design.google_id}", 2, method="DELETE")
    # The repeat found it gone (404): the first, slow one had deleted it.
    assert sorted(c.status for c in deletes_sent(sandbox)) == [204, 404]


def test_a_refusal_is_said_in_words_and_nothing_is_removed(design, owner_client, sandbox, settings):
    settings.HUBWIRE_GOOGLE_WORKSPACE_QUOTA_RETRIES = 1
    sandbox.control("workspace-fail-next", count=5, status=403, reason="userRateLimitExceeded", method="DELETE",
                    path_contains="/groups/")
    response = owner_client.post(delete_url(design), {"confirm": DESIGN})
    assert response.status_code == 502
    assert response.context["errors"]["__all__"].startswith("The group was not deleted: ")
    assert b'data-testid="gws-error"' in response.content
    assert at_google() and WorkspaceGroup.objects.filter(pk=design.pk).exists()
    assert not AuditEntry.objects.filter(action="google_workspace_group_deleted").exists()


def test_another_workspace_gets_a_404_and_a_plain_member_a_403(design, owner_client, sandbox, outsider, member):
    stranger = logged_in(outsider)
    assert stranger.get(delete_url(design)).status_code == 404
    assert stranger.post(delete_url(design), {"confirm": DESIGN}).status_code == 404
    plain = logged_in(member)
    assert b'data-testid="gws-group-delete"' not in plain.get(
        reverse("integrations:google_workspace_group", args=[design.pk]) + "?page=1").content
    assert plain.get(delete_url(design)).status_code == 403
    assert plain.post(delete_url(design), {"confirm": DESIGN}).status_code == 403
    assert not deletes_sent(sandbox) and at_google()
