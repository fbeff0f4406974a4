"""The users mirror, the Members page, Create User and managing a user, over HTTP against the sandbox
Google Workspace (issue 21, items 2–4 and 7)."""

import logging

import pytest
from django.db import connections

from hubwire.core.models import AuditEntry
from hubwire.integrations.google_workspace import users
from hubwire.integrations.google_workspace.api import directory_api
from hubwire.integrations.google_workspace.models import DirectoryUser, UserStatus
from hubwire.sync.models import Trigger
from tests.integrations.google_workspace.conftest import ANSWERED_AFTER, LOST_AFTER, late_answers_given
from tests.integrations.meetings import run_jobs

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
BASE = "/integrations/google_workspace"


def _posts(sandbox) -> int:
    return len([c for c in sandbox.calls("admin.googleapis.com", "/admin/directory/v1/users") if c.method == "POST"])


def _create(client, **fields):
    data = {"given_name": "Nora", "family_name": "Quinn", "local_part": "nora.quinn", "domain": "northwind.example",
            "change_at_next_login": "1", **fields}
    return client.post(f"{BASE}/users/new/", data)


def test_the_mirror_holds_the_domains_users_with_their_status(directory):
    rows = {r.primary_email: r for r in DirectoryUser.objects.filter(connection=directory)}
    assert "owner@northwind.example" in rows and rows["owner@northwind.example"].is_admin
    statuses = {r.status for r in rows.values()}
    assert {UserStatus.ACTIVE, UserStatus.SUSPENDED, UserStatus.ARCHIVED, UserStatus.PENDING} <= statuses
    assert any(r.two_sv_enrolled for r in rows.values())


def test_1200_users_are_read_across_pages_and_the_members_page_pages_them(directory, sandbox, owner_client):
    before = DirectoryUser.objects.filter(connection=directory).count()
    sandbox.control("workspace-seed", users=1200)
    users.queue(directory.workspace, trigger=Trigger.BUTTON)
    run_jobs()
    assert DirectoryUser.objects.filter(connection=directory).count() == before + 1200
    listed = [c for c in sandbox.calls("admin.googleapis.com", "/admin/directory/v1/users") if c.method == "GET"]
    assert len(listed) >= 3  # 500 a page
    page = owner_client.get(f"{BASE}/users/", {"q": "user0", "page": "2"})
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="gws-user"') == 50
    assert "Page 2 of 24" in page.content.decode()


def test_users_gone_from_google_leave_the_mirror(directory):
    row = DirectoryUser.objects.filter(connection=directory, status=UserStatus.ACTIVE).exclude(
        primary_email="owner@northwind.example").first()
    # Deleted in Google behind hubwire's back (as in the Admin console): the next read removes it.
    with directory_api(directory) as api:
        api.request("DELETE", f"/users/{row.google_id}")
    users.queue(directory.workspace, trigger=Trigger.BUTTON)
    run_jobs()
    assert not DirectoryUser.objects.filter(pk=row.pk).exists()
    assert users.last_refresh(directory.workspace).removed == 1


def test_create_user_on_a_verified_domain_shows_the_password_once_and_stores_it_nowhere(
        directory, sandbox, owner_client, caplog):
    caplog.set_level(logging.DEBUG)
    answer = _create(owner_client)
    assert answer.status_code == 200, answer.content.decode()[:2000]
    password = answer.context["password"]
    assert len(password) >= 12
    held = sandbox.control("workspace-user", email="nora.quinn@northwind.example")
    assert held["name"]["givenName"] == "Nora" and held.get("changePasswordAtNextLogin") is True
    row = DirectoryUser.objects.get(connection=directory, primary_email="nora.quinn@northwind.example")
    assert row.google_id == held["id"]
    assert AuditEntry.objects.filter(action="google_workspace_user_created").exists()
    # The temporary password is in no hubwire row (any table), no job and no log line.
    with connections["default"].cursor() as cursor:
        tables = connections["default"].introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            assert all(password not in str(value) for line in cursor.fetchall() for value in line), table
    assert password not in caplog.text
    assert owner_client.get(f"{BASE}/users/{row.pk}/").content.decode().count(password) == 0


def test_an_unverified_domain_is_refused_before_anything_is_sent(directory, sandbox, owner_client):
    sent = _posts(sandbox)
    answer = _create(owner_client, domain="northwind-studio.example")
    assert answer.status_code == 422
    assert "northwind-studio.example is not verified: users cannot be created on it." in answer.content.decode()
    assert _posts(sandbox) == sent


@pytest.mark.parametrize("fields, field", [
    ({"given_name": ""}, "given_name"), ({"family_name": "x" * 61}, "family_name"),
    ({"local_part": "bad address"}, "local_part"), ({"domain": "elsewhere.example"}, "domain"),
    ({"password": "short"}, "password"), ({"password": "ünïcödé-pässwörd-long"}, "password"),
])
def test_bad_input_names_the_field_and_writes_nothing(directory, owner_client, fields, field):
    before = DirectoryUser.objects.count()
    answer = _create(owner_client, **fields)
    assert answer.status_code == 422
    assert f'data-testid="error-{field}"' in answer.content.decode()
    assert DirectoryUser.objects.count() == before


def test_a_taken_address_with_another_name_says_taken(directory, owner_client):
    answer = _create(owner_client, local_part="staff")
    assert answer.status_code == 422
    assert "staff@northwind.example is taken" in answer.content.decode()


def test_a_lost_answer_is_checked_and_adopted_when_it_is_ours(directory, sandbox, owner_client, settings):
    settings.HUBWIRE_GOOGLE_WORKSPACE_TIMEOUT_SECONDS = LOST_AFTER
    sandbox.control("workspace-slow-next", seconds=ANSWERED_AFTER, method="POST", path_contains="/users")
    answer = _create(owner_client, local_part="lost.answer")
    assert answer.status_code == 200, answer.content.decode()[:2000]
    assert DirectoryUser.objects.filter(primary_email="lost.answer@northwind.example").count() == 1
    assert answer.context["password"]  # our create landed: its password is ours to show
    late_answers_given(sandbox, "/users", 1)


def test_a_new_user_that_reads_404_for_a_while_is_waited_for(directory, sandbox, owner_client, settings):
    settings.HUBWIRE_GOOGLE_WORKSPACE_TIMEOUT_SECONDS = LOST_AFTER
    sandbox.control("clock-freeze", frozen=True)  # only hubwire's waits move it (conftest)
    sandbox.control("workspace-new-user-delay", seconds=2)
    sandbox.control("workspace-slow-next", seconds=ANSWERED_AFTER, method="POST", path_contains="/users")
    answer = _create(owner_client, local_part="slow.show")
    assert answer.status_code == 200, answer.content.decode()[:2000]
    gets = sandbox.calls("admin.googleapis.com", "/admin/directory/v1/users/slow.show@northwind.example")
    assert len(gets) >= 2  # a 404 first, then the user
    late_answers_given(sandbox, "/users", 1)


def test_quota_errors_back_off_and_the_action_succeeds(directory, sandbox, owner_client):
    sandbox.control("workspace-fail-next", count=2, status=403, reason="userRateLimitExceeded", method="POST",
                    path_contains="/users")
    answer = _create(owner_client, local_part="quota.ok")
    assert answer.status_code == 200, answer.content.decode()[:2000]


def test_quota_errors_beyond_the_retries_are_said_in_words(directory, sandbox, owner_client):
    sandbox.control("workspace-fail-next", count=20, status=403, reason="userRateLimitExceeded", method="POST",
                    path_contains="/users")
    answer = _create(owner_client, local_part="quota.out")
    assert answer.status_code == 502
    assert "Google is limiting how fast hubwire may call it" in answer.content.decode()
    assert not DirectoryUser.objects.filter(primary_email="quota.out@northwind.example").exists()


def test_suspend_restore_reset_admin_rename_and_delete(directory, sandbox, owner_client):
    assert _create(owner_client, local_part="manage.me").status_code == 200
    row = DirectoryUser.objects.get(primary_email="manage.me@northwind.example")
    url = f"{BASE}/users/{row.pk}"

    assert owner_client.post(f"{url}/suspend/").status_code == 200
    assert sandbox.control("workspace-user", email=row.primary_email)["suspended"] is True
    assert DirectoryUser.objects.get(pk=row.pk).status == UserStatus.SUSPENDED
    assert owner_client.post(f"{url}/restore/").status_code == 200
    assert sandbox.control("workspace-user", email=row.primary_email)["suspended"] is False

    reset = owner_client.post(f"{url}/password/")
    assert reset.status_code == 200 and reset.context["password"]
    assert sandbox.control("workspace-user", email=row.primary_email)["changePasswordAtNextLogin"] is True
    assert owner_client.post(f"{url}/password/", {"password": "short"}).status_code == 422

    assert owner_client.post(f"{url}/admin/", {"admin": "1"}).status_code == 200
    assert sandbox.control("workspace-user", email=row.primary_email)["isAdmin"] is True
    assert DirectoryUser.objects.get(pk=row.pk).is_admin
    assert owner_client.post(f"{url}/admin/", {"admin": "0"}).status_code == 200
    assert not DirectoryUser.objects.get(pk=row.pk).is_admin
    assert owner_client.post(f"{url}/admin/", {"admin": "maybe"}).status_code == 422

    assert owner_client.post(f"{url}/rename/", {"given_name": "Nell", "family_name": "Quinn"}).status_code == 200
    assert sandbox.control("workspace-user", email=row.primary_email)["name"]["givenName"] == "Nell"
    assert owner_client.post(f"{url}/rename/", {"given_name": "", "family_name": "Q"}).status_code == 422

    confirm = owner_client.get(f"{url}/delete/").content.decode()
    assert "their mailbox" in confirm and "Drive files" in confirm and "Google keeps a deleted user for 20 days" in confirm
    assert owner_client.post(f"{url}/delete/", {"confirm": "wrong"}).status_code == 422
    assert DirectoryUser.objects.filter(pk=row.pk).exists()
    assert owner_client.post(f"{url}/delete/", {"confirm": row.primary_email}).status_code == 302
    assert not DirectoryUser.objects.filter(pk=row.pk).exists()
    actions = set(AuditEntry.objects.filter(subject="google_workspace").values_list("action", flat=True))
    assert {"google_workspace_user_suspended", "google_workspace_user_restored", "google_workspace_password_reset",
            "google_workspace_admin_granted", "google_workspace_admin_revoked", "google_workspace_user_renamed",
            "google_workspace_user_deleted"} <= actions


def test_the_dry_run_changes_nothing_and_confirming_applies_it_line_by_line(directory, sandbox, owner_client):
    lines = "Ada Byron ada@northwind.example\nBad Line\nSam Stone sam@northwind-studio.example\nStaff Member staff@northwind.example"
    before = DirectoryUser.objects.count()
    posts = _posts(sandbox)
    preview = owner_client.post(f"{BASE}/users/several/", {"lines": lines})
    assert preview.status_code == 200
    planned = preview.context["planned"]
    assert [bool(p.refused) for p in planned] == [False, True, True, True]
    assert DirectoryUser.objects.count() == before
    assert _posts(sandbox) == posts
    applied = owner_client.post(f"{BASE}/users/several/", {"lines": lines, "apply": "1"}).context["applied"]
    assert applied[0].result == "Created." and applied[0].password
    assert all(item.result.startswith("Not created") for item in applied[1:])
    assert DirectoryUser.objects.count() == before + 1
    assert owner_client.post(f"{BASE}/users/several/", {"lines": ""}).status_code == 422
