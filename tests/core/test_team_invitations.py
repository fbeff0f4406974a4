"""People join a team by invitation only: a single-use link that expires, mailed to them. No one on
a team sets, or learns anything about, another person's login (issue 15, item 1)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hubwire.core.models import AuditEntry, Membership, Role, TeamInvitation, User
from hubwire.core.services import member_add
from tests.conftest import PASSWORD, in_threads, logged_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "violet-canyon-ferry-83"


def invite(client: Client, email: str, role: str = Role.MEMBER, **extra):
    return client.post("/team/", {"email": email, "role": role, **extra})


def link_in(message) -> str:
    return re.search(r"http://\S+(/team/join/[^/\s]+/)", message.body).group(1)


def last_link() -> str:
    return link_in(mail.outbox[-1])


def test_another_workspace_cannot_set_or_learn_a_new_members_password(owner, workspace, outsider, other_workspace):
    """The attack: workspace B 'adds' newhire@ first with a password B chose, hoping to sign in as that
    person once workspace A adds them too. Now nobody but the person ever chooses their password."""
    attacker, victim_team = logged_in(outsider), logged_in(owner)
    chosen_by_attacker = "attacker-knows-this-99"
    response = invite(attacker, "newhire@northwind.example", password=chosen_by_attacker)
    assert response.status_code == 302
    assert not User.objects.filter(email="newhire@northwind.example").exists()  # an invitation makes no login
    invite(victim_team, "newhire@northwind.example")
    Client().post(last_link(), {"full_name": "New Hire", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    newhire = User.objects.get(email="newhire@northwind.example")
    assert newhire.check_password(NEW_PASSWORD) and not newhire.check_password(chosen_by_attacker)
    assert list(newhire.memberships.values_list("workspace", flat=True)) == [workspace.pk]
    assert Client().post("/login/", {"username": "newhire@northwind.example", "password": chosen_by_attacker}).status_code == 200
    # B's own link now asks the person to sign in to their login; it cannot set a password.
    b_link = link_in(mail.outbox[0])
    page = Client().get(b_link)
    assert b"Sign in to accept" in page.content and b'name="password"' not in page.content
    Client().post(b_link, {"full_name": "x", "password": chosen_by_attacker, "password_again": chosen_by_attacker})
    newhire.refresh_from_db()
    assert newhire.check_password(NEW_PASSWORD) and newhire.memberships.count() == 1


def test_the_team_page_says_the_same_whether_or_not_the_email_has_a_login(owner, workspace, outsider):
    team = logged_in(owner)
    answers = []
    for email in ("outsider@example.test", "nobody-yet@example.test"):  # the first has a login, in another workspace
        response = team.post("/team/", {"email": email, "role": Role.MEMBER}, follow=True)
        page = response.content.decode()
        flash = re.search(r'<div class="flash[^>]*>(.*?)</div>', page).group(1)
        row = re.search(rf"<tr><td>{re.escape(email)}</td>.*?</tr>", page, re.S).group(0)
        answers.append((response.status_code, flash.replace(email, "EMAIL"),
                        re.sub(r"/team/invitations/\d+/|\d{4}-\d\d-\d\d \d\d:\d\d|value=\"\w+\"", "X", row.replace(email, "EMAIL"))))
    assert answers[0] == answers[1] and "Invitation sent to EMAIL" in answers[0][1]
    assert [m.body.replace(m.to[0], "EMAIL").replace(link_in(m), "LINK") for m in mail.outbox][0] == \
        [m.body.replace(m.to[0], "EMAIL").replace(link_in(m), "LINK") for m in mail.outbox][1]
    assert "Outsider" not in answers[0][1] and "Elsewhere" not in answers[0][1]


def test_a_new_person_joins_with_the_password_they_choose(owner, workspace):
    invite(logged_in(owner), "sam@northwind.example", Role.ADMIN)
    assert mail.outbox[-1].to == ["sam@northwind.example"]
    link, browser = last_link(), Client()
    assert b"Choose the name and password" in browser.get(link).content
    for bad, message in [({"full_name": "", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, b"required"),
                         ({"full_name": "Sam", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"},
                          b"The two passwords differ"),
                         ({"full_name": "Sam", "password": "12345678", "password_again": "12345678"}, b"too common")]:
        response = browser.post(link, bad)
        assert response.status_code == 400 and message in response.content, bad
    assert not User.objects.filter(email="sam@northwind.example").exists()

    response = browser.post(link, {"full_name": "Sam Admin", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert browser.get("/").status_code == 200  # signed in, on the team
    membership = Membership.objects.get(workspace=workspace, user__email="sam@northwind.example")
    assert membership.role == Role.ADMIN and membership.user.full_name == "Sam Admin"
    assert AuditEntry.objects.filter(workspace=workspace, action="member_joined").exists()
    again = Client().post(link, {"full_name": "Eve", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert again.status_code == 410 and b"already been accepted" in again.content


def test_someone_with_a_login_accepts_by_signing_in_to_it(owner, workspace, outsider, member):
    invite(logged_in(owner), "outsider@example.test")
    link = last_link()
    anonymous = Client().get(link)
    assert b"Sign in to accept" in anonymous.content and f'/login/?next={link}'.encode() in anonymous.content

    someone_else = logged_in(member)
    assert b"This invitation is for outsider@example.test" in someone_else.get(link).content
    assert someone_else.post(link).status_code == 400
    assert not Membership.objects.filter(workspace=workspace, user=outsider).exists()

    browser = Client()
    signed_in = browser.post(f"/login/?next={link}", {"username": "outsider@example.test", "password": PASSWORD,
                                                      "next": link})
    assert signed_in["Location"] == link
    assert browser.post(link).status_code == 302
    assert Membership.objects.get(workspace=workspace, user=outsider).role == Role.MEMBER
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD) and outsider.memberships.count() == 2


def test_a_link_stops_working_when_it_expires_is_withdrawn_or_replaced(settings, owner, workspace):
    team = logged_in(owner)
    invite(team, "a@northwind.example")
    expired = last_link()
    TeamInvitation.objects.filter(email="a@northwind.example").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(expired).status_code == 410 and b"expired" in Client().get(expired).content

    invite(team, "b@northwind.example")
    replaced = last_link()
    invite(team, "b@northwind.example")
    assert Client().get(replaced).status_code == 410 and Client().get(last_link()).status_code == 200

    current = last_link()
    invitation = TeamInvitation.objects.get(email="b@northwind.example", revoked_at=None)
    assert team.post(f"/team/invitations/{invitation.pk}/revoke/").status_code == 302
    response = Client().post(current, {"full_name": "B", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 410 and b"withdrawn" in response.content
    assert not User.objects.filter(email="b@northwind.example").exists()
    assert Client().get("/team/join/not-a-real-token/").status_code == 404


@pytest.mark.parametrize("data, field, message", [
    ({"email": "", "role": "member"}, "email", "This field is required"),
    ({"email": "not-an-email", "role": "member"}, "email", "Enter a valid email address"),
    ({"email": "x@northwind.example", "role": "emperor"}, "role", "Select a valid choice"),
    ({"email": "member@example.test", "role": "member"}, "email", "is already on this team"),
])
def test_bad_invitations_say_why_and_send_and_write_nothing(owner, workspace, member, data, field, message):
    response = logged_in(owner).post("/team/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not TeamInvitation.objects.exists() and not mail.outbox


def test_only_an_owner_invites_an_owner_and_members_invite_no_one(owner, workspace, member):
    admin = User.objects.create_user("admin@example.test", PASSWORD)
    member_add(workspace=workspace, user=admin, role=Role.ADMIN)
    response = logged_in(admin).post("/team/", {"email": "boss@example.test", "role": Role.OWNER})
    assert response.status_code == 400 and b"Only an owner can invite another owner" in response.content
    assert logged_in(member).post("/team/", {"email": "x@example.test", "role": Role.MEMBER}).status_code == 403
    assert b"Invite a team member" not in logged_in(member).get("/team/").content
    assert not TeamInvitation.objects.exists()
    assert invite(logged_in(owner), "boss@example.test", Role.OWNER).status_code == 302


def test_invitations_are_the_workspaces_own(owner, workspace, outsider, member):
    invite(logged_in(owner), "c@northwind.example")
    invitation = TeamInvitation.objects.get()
    assert logged_in(outsider).post(f"/team/invitations/{invitation.pk}/revoke/").status_code == 404
    assert b"c@northwind.example" not in logged_in(outsider).get("/team/").content
    assert logged_in(member).post(f"/team/invitations/{invitation.pk}/revoke/").status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_one_link_used_in_two_tabs_at_once_makes_one_login(transactional_db, owner, workspace):
    invite(logged_in(owner), "d@northwind.example")
    link = last_link()
    results, _ = in_threads(3, lambda: Client().post(link, {"full_name": "D", "password": NEW_PASSWORD,
                                                           "password_again": NEW_PASSWORD}).status_code)
    assert sorted(results).count(302) == 1 and User.objects.filter(email="d@northwind.example").count() == 1
    assert Membership.objects.filter(workspace=workspace, user__email="d@northwind.example").count() == 1


def test_an_invitation_that_cannot_be_mailed_says_so_and_leaves_nothing(settings, owner, workspace):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}  # nothing listens
    response = invite(logged_in(owner), "e@northwind.example")
    assert response.status_code == 400 and b"The invitation could not be sent" in response.content
    assert not TeamInvitation.objects.exists()
