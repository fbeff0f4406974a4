"""The team's sign-in is throttled like the portal's (one mechanism, core/throttle.py), without
letting a stranger lock anyone out for good; failures reach the audit log (issue 15, item 2)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hubwire.core.models import AuditEntry, SignInOutcome, TeamSignIn
from tests.conftest import PASSWORD, logged_in

pytestmark = pytest.mark.django_db


def sign_in(email: str, password: str = PASSWORD, client: Client | None = None, **extra):
    client = client or Client()
    return client, client.post("/login/", {"username": email, "password": password}, **extra)


def fail(email: str, **extra):
    return sign_in(email, "not the password", **extra)[1]


def test_repeated_failures_make_even_the_right_password_wait_until_they_leave_the_window(settings, owner, workspace):
    for _ in range(settings.HUBWIRE_TEAM_THROTTLE_PER_EMAIL):
        assert fail("owner@example.test").status_code == 200
    _, response = sign_in("owner@example.test")
    assert response.status_code == 429 and b"Too many failed attempts" in response.content
    assert 0 < int(response["Retry-After"]) <= settings.HUBWIRE_TEAM_THROTTLE_WINDOW
    assert "_auth_user_id" not in response.wsgi_request.session
    assert TeamSignIn.objects.first().outcome == SignInOutcome.THROTTLED
    # Refused attempts do not extend the wait; once the failures leave the window the password works.
    TeamSignIn.objects.filter(outcome=SignInOutcome.BAD_CREDENTIALS).update(
        created_at=timezone.now() - timedelta(seconds=settings.HUBWIRE_TEAM_THROTTLE_WINDOW + 1))
    assert sign_in("owner@example.test")[1].status_code == 302


def test_a_stranger_cannot_lock_the_owner_out_of_the_browser_they_signed_in_with(settings, owner, workspace):
    settings.HUBWIRE_TEAM_THROTTLE_PER_EMAIL = 3
    owners_browser, response = sign_in("owner@example.test")
    assert response.status_code == 302
    owners_browser.post("/logout/")
    for _ in range(10):
        fail("owner@example.test", REMOTE_ADDR="203.0.113.9")
    assert sign_in("owner@example.test", REMOTE_ADDR="198.51.100.7")[1].status_code == 429  # a new browser waits
    assert sign_in("owner@example.test", client=owners_browser, REMOTE_ADDR="198.51.100.7")[1].status_code == 302
    # The known browser still has a limit of its own.
    owners_browser.post("/logout/")
    for _ in range(3):
        sign_in("owner@example.test", "wrong", client=owners_browser)
    assert sign_in("owner@example.test", client=owners_browser)[1].status_code == 429


def test_one_address_trying_many_emails_is_throttled(settings, owner, workspace):
    settings.HUBWIRE_TEAM_THROTTLE_PER_IP = 4
    for n in range(4):
        fail(f"guess{n}@example.test", REMOTE_ADDR="203.0.113.9")
    assert sign_in("owner@example.test", REMOTE_ADDR="203.0.113.9")[1].status_code == 429
    assert sign_in("owner@example.test", REMOTE_ADDR="198.51.100.7")[1].status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(settings, owner, workspace):
    settings.HUBWIRE_BEHIND_PROXY, settings.HUBWIRE_TEAM_THROTTLE_PER_IP = True, 2
    for spoofed in ["10.0.0.1", "10.0.0.2"]:  # a client cannot pick its address by sending the header itself
        fail(f"x{spoofed}@example.test", HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.9")
    assert TeamSignIn.objects.first().ip == "203.0.113.9"
    assert fail("y@example.test", HTTP_X_FORWARDED_FOR="10.0.0.3, 203.0.113.9").status_code == 429


def test_failed_sign_ins_are_in_the_audit_log_of_the_users_workspaces_only(owner, workspace, outsider, other_workspace):
    fail("owner@example.test", REMOTE_ADDR="203.0.113.9")
    fail("nobody@example.test")
    entry = AuditEntry.objects.get(action="sign_in_failed")
    assert entry.workspace == workspace and entry.actor is None
    assert "owner@example.test" in entry.detail and "203.0.113.9" in entry.detail
    assert not AuditEntry.objects.filter(workspace=other_workspace, action="sign_in_failed").exists()
    assert "203.0.113.9" in logged_in(owner).get("/integrations/audit/").content.decode()  # where the owner sees it
    assert TeamSignIn.objects.filter(email="nobody@example.test", outcome=SignInOutcome.BAD_CREDENTIALS).exists()


def test_a_missing_field_is_not_counted_as_an_attempt(owner, workspace):
    response = Client().post("/login/", {"username": "owner@example.test", "password": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    assert not TeamSignIn.objects.exists()
