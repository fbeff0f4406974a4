"""Team users change their password (ending their other sessions) and reset it by email, through
Django's own views in hubwire's pages (issue 15, item 3)."""

import re

import pytest
from django.core import mail
from django.test import Client

from hubwire.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "amber-glacier-window-61"


def signed_in(email: str, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post("/login/", {"username": email, "password": password}).status_code == 302
    return client


def test_changing_the_password_ends_the_users_other_sessions_and_keeps_this_one(owner, workspace):
    laptop, phone = signed_in("owner@example.test"), signed_in("owner@example.test")
    assert b"Change your password" in laptop.get("/password/change/").content
    response = laptop.post("/password/change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                 "new_password2": NEW_PASSWORD}, follow=True)
    assert b"Password changed" in response.content
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302 and phone.get("/")["Location"].startswith("/login/")
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(workspace=workspace, action="password_changed", actor=owner).exists()


@pytest.mark.parametrize("data, message", [
    ({"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, "old password was entered incorrectly"),
    ({"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other-" + NEW_PASSWORD}, "didn’t match"),
    ({"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}, "too common"),
    ({"old_password": PASSWORD, "new_password1": "", "new_password2": ""}, "This field is required"),
])
def test_a_bad_password_change_says_why_and_changes_nothing(owner, workspace, data, message):
    browser = signed_in("owner@example.test")
    response = browser.post("/password/change/", data)
    assert response.status_code == 200 and message in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_anonymous_visitors_are_sent_to_sign_in_from_the_change_page(db):
    assert Client().get("/password/change/")["Location"].startswith("/login/")


def test_reset_by_email_signs_in_with_the_new_password_and_ends_other_sessions(settings, owner, workspace):
    settings.ALLOWED_HOSTS = ["*"]
    old_session = signed_in("owner@example.test")
    assert b"Forgot your password?" in Client().get("/login/").content
    # A forged Host header does not steer the link: it starts with HUBWIRE_BASE_URL.
    response = Client().post("/password/reset/", {"email": "owner@example.test"}, HTTP_HOST="evil.example")
    assert response.status_code == 302 and response["Location"] == "/password/reset/sent/"
    link = re.search(r"(\S+/password/reset/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith(settings.HUBWIRE_BASE_URL + "/") and "evil.example" not in mail.outbox[0].body
    path = link.removeprefix(settings.HUBWIRE_BASE_URL)

    browser = Client()
    form_page = browser.get(path, follow=True)
    assert b"Choose a new password" in form_page.content and b"new_password1" in form_page.content
    weak = browser.post(form_page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and b"too short" in weak.content
    done = browser.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and browser.get("/").status_code == 200  # signed in
    assert old_session.get("/").status_code == 302  # the session from before the reset is over
    assert AuditEntry.objects.filter(workspace=workspace, action="password_reset").exists()
    reused = Client().get(path, follow=True)
    assert b"expired or has already been used" in reused.content
    signed_in("owner@example.test", NEW_PASSWORD)


def test_a_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(db):
    response = Client().post("/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302 and response["Location"] == "/password/reset/sent/"
    assert not mail.outbox
    assert b"If that email has a hubwire login" in Client().get("/password/reset/sent/").content


def test_a_reset_gets_past_the_throttle_in_the_browser_that_used_it(settings, owner, workspace):
    """A stranger's guessing makes new browsers wait; resetting by email remembers this browser."""
    for _ in range(settings.HUBWIRE_TEAM_THROTTLE_PER_EMAIL):
        Client().post("/login/", {"username": "owner@example.test", "password": "guess"})
    browser = Client()
    assert browser.post("/login/", {"username": "owner@example.test", "password": PASSWORD}).status_code == 429
    browser.post("/password/reset/", {"email": "owner@example.test"})
    path = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_page = browser.get(path, follow=True).redirect_chain[-1][0]
    browser.post(set_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    browser.post("/logout/")
    assert browser.post("/login/", {"username": "owner@example.test", "password": NEW_PASSWORD}).status_code == 302


def test_reset_emails_to_one_address_are_limited_and_the_page_says_the_same(owner, workspace):
    from hubwire.core.signin import RESETS_PER_HOUR

    answers = [Client().post("/password/reset/", {"email": "owner@example.test"}) for _ in range(RESETS_PER_HOUR + 2)]
    assert len(mail.outbox) == RESETS_PER_HOUR
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/password/reset/sent/")}
