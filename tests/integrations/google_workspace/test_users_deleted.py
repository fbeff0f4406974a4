"""Recently deleted users, over HTTP against the sandbox Google Workspace in the live server: a user
deleted here or in Google's Admin console is listed for 20 days and Bring back restores it into
the members list; after 20 days, or with its address taken meanwhile, Google's refusal is said in
words; a lost answer is checked by reading the user; bad ids and page links are refused; a plain
member may not see or use any of it (integrations/google_workspace/deleted.py)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db.models import F
from django.urls import reverse

from hubwire.core.models import AuditEntry
from hubwire.integrations.google_workspace.models import DirectoryUser
from hubwire.sandbox.google_workspace.models import DeletedUser
from hubwire.sandbox.google_workspace.models import DirectoryUser as GoogleUser
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.google_workspace.conftest import ANSWERED_AFTER, LOST_AFTER, late_answers_given
from tests.sandbox.google_workspace.conftest import directory_client

pytestmark = SANDBOX_DB
HENRY = "henry.novak@northwind.example"
LISTED = reverse("integrations:google_workspace_users_deleted")


def restore_url(google_id: str) -> str:
    return reverse("integrations:google_workspace_user_undelete", args=[google_id])


def deleted_here(client, email: str = HENRY) -> str:
    """Delete the user through hubwire's Delete user page; its Google id."""
    row = DirectoryUser.objects.get(primary_email=email)
    response = client.post(reverse("integrations:google_workspace_user_delete", args=[row.pk]), {"confirm": email})
    assert response.status_code == 302
    assert "Recently deleted users can bring it back" in said(response)
    return row.google_id


def listed(client) -> list[str]:
    page = client.get(LISTED)
    assert page.status_code == 200, page.content.decode()[:2000]
    return [user.email for user in page.context["users"]]


def said(response) -> str:
    """The message the answer flashed (the last one: earlier ones wait until a page shows them)."""
    return [m.message for m in get_messages(response.wsgi_request)][-1]


def test_a_user_deleted_here_is_listed_and_brought_back_into_the_members_list(directory, owner_client, workspace):
    assert b'data-testid="gws-deleted-link"' in owner_client.get(reverse("integrations:google_workspace_users")).content
    google_id = deleted_here(owner_client)
    assert not DirectoryUser.objects.filter(primary_email=HENRY).exists()
    assert listed(owner_client) == [HENRY]

    response = owner_client.post(restore_url(google_id))
    row = DirectoryUser.objects.get(primary_email=HENRY, connection=directory)
    assert response.status_code == 302 and response["Location"] == reverse("integrations:google_workspace_user",
                                                                           args=[row.pk])
    assert said(response) == f"{HENRY} is back in Google Workspace."
    assert (row.google_id, row.workspace_id) == (google_id, workspace.pk)
    assert GoogleUser.objects.using("sandbox").filter(user_id=google_id, primary_email=HENRY).exists()
    assert AuditEntry.objects.filter(action="google_workspace_user_undeleted", detail=HENRY, workspace=workspace).exists()
    assert listed(owner_client) == []


def test_a_user_deleted_in_googles_admin_console_is_listed_too(directory, sandbox, owner_client):
    admin_console = directory_client(sandbox, "owner@northwind.example")
    henry = admin_console.get(f"/users/{HENRY}").json()
    assert admin_console.delete(f"/users/{henry['id']}").status_code == 204
    page = owner_client.get(LISTED)
    assert [(u.google_id, u.email, u.name) for u in page.context["users"]] == [(henry["id"], HENRY, "Henry Novak")]
    assert page.context["users"][0].deleted_at is not None
    assert f'action="{restore_url(henry["id"])}"' in page.content.decode()


def test_twenty_days_after_the_delete_google_no_longer_keeps_the_user_and_the_page_says_so(directory, owner_client):
    google_id = deleted_here(owner_client)
    DeletedUser.objects.using("sandbox").update(deleted_at=F("deleted_at") - timedelta(days=20, seconds=1))
    assert listed(owner_client) == []
    response = owner_client.post(restore_url(google_id))  # a page opened before the 20 days ran out
    assert response.status_code == 302 and response["Location"] == LISTED
    assert "Google no longer keeps this user: a deleted user can be brought back only within 20 days" in said(response)
    assert not DirectoryUser.objects.filter(primary_email=HENRY).exists()


def test_an_address_another_user_has_taken_meanwhile_is_said_and_nothing_changes(directory, sandbox, owner_client):
    google_id = deleted_here(owner_client)
    sandbox.control("workspace-new-user-delay", seconds=0)
    created = owner_client.post("/integrations/google_workspace/users/new/", {
        "given_name": "Henry", "family_name": "Nova", "local_part": "henry.novak", "domain": "northwind.example"})
    assert created.status_code == 200, created.content.decode()[:2000]
    response = owner_client.post(restore_url(google_id))
    assert response.status_code == 302 and response["Location"] == LISTED
    assert "Another user or group has this user's address now" in said(response)
    assert list(DirectoryUser.objects.filter(primary_email=HENRY).values_list("given_name", flat=True)) == ["Henry"]
    assert DirectoryUser.objects.get(primary_email=HENRY).google_id != google_id
    assert listed(owner_client) == [HENRY], "still there to bring back once the address is free"


def test_a_bring_back_whose_answer_was_lost_is_checked_by_reading_the_user(directory, sandbox, owner_client,
                                                                           settings):
    google_id = deleted_here(owner_client)
    settings.HUBWIRE_GOOGLE_WORKSPACE_TIMEOUT_SECONDS = LOST_AFTER
    sandbox.control("workspace-slow-next", seconds=ANSWERED_AFTER, method="POST", path_contains="/undelete")
    response = owner_client.post(restore_url(google_id))
    assert said(response) == f"{HENRY} is back in Google Workspace."
    assert DirectoryUser.objects.get(primary_email=HENRY).google_id == google_id
    late_answers_given(sandbox, f"/users/{google_id}/undelete", 1)


@pytest.mark.parametrize("google_id", ["abc", "1" * 31, "12%2F34", "\u0661\u0662\u0663"])
def test_an_id_that_cannot_be_googles_is_a_404_and_sends_nothing(directory, sandbox, owner_client, google_id):
    before = len(sandbox.calls("admin.googleapis.com"))
    assert owner_client.post(f"/integrations/google_workspace/users/deleted/{google_id}/restore/").status_code == 404
    assert len(sandbox.calls("admin.googleapis.com")) == before


def test_a_page_link_hubwire_did_not_make_is_a_400_in_words(directory, owner_client):
    altered = owner_client.get(LISTED, {"page_token": "<script>"})
    assert altered.status_code == 400 and b'data-testid="error-page_token"' in altered.content
    refused = owner_client.get(LISTED, {"page_token": "AAAA"})  # the right alphabet; Google refuses it
    assert refused.status_code == 400 and b"Invalid pageToken" in refused.content


def test_a_plain_member_sees_no_link_and_gets_a_403_and_another_workspace_is_not_connected(
        directory, sandbox, owner_client, member, outsider):
    google_id = deleted_here(owner_client)
    as_member = logged_in(member)
    assert b"gws-deleted-link" not in as_member.get(reverse("integrations:google_workspace_users")).content
    assert as_member.get(LISTED).status_code == 403
    assert as_member.post(restore_url(google_id)).status_code == 403
    from_elsewhere = logged_in(outsider).post(restore_url(google_id))
    assert from_elsewhere.status_code == 302 and from_elsewhere["Location"] == reverse("integrations:tab",
                                                                                      args=["google_workspace"])
    assert not DirectoryUser.objects.filter(primary_email=HENRY).exists()
    assert listed(owner_client) == [HENRY]
