"""Portal sessions and sign-in: access ends at the next request, throttling, invitation and reset
links, forced password change, and every sign-in recorded."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hubwire.portal.models import SIGNED_IN, PortalSignIn, PortalToken, PortalUser, SignInOutcome
from hubwire.portal.session import COOKIE
from tests.conftest import logged_in
from tests.portal.conftest import CLIENT_PASSWORD, portal_url, sign_in_client, signed_in

pytestmark = pytest.mark.django_db


def ended(response, workspace) -> bool:
    return response.status_code == 302 and response["Location"].startswith(portal_url(workspace, "sign-in/")) \
        and "ended=1" in response["Location"]


# --- access enforced on every request ---------------------------------------------------------

def test_turning_the_portal_off_ends_open_sessions_at_the_next_request_and_on_lets_them_back(owner, workspace, a, b):
    maya, hank = signed_in(workspace, "maya@acme.test"), signed_in(workspace, "hank@globex.test")
    team = logged_in(owner)
    team.post(f"/integrations/portal/accounts/{a['account'].pk}/access/", {"enabled": "0"})
    assert ended(maya.get(portal_url(workspace, "invoices/")), workspace)
    assert maya.get(portal_url(workspace, "invoices/")).status_code == 302  # and stays signed out
    assert hank.get(portal_url(workspace, "invoices/")).status_code == 200  # the other account is untouched
    _, refused = sign_in_client(workspace, "maya@acme.test")
    assert refused.status_code == 200 and b"The portal is turned off for ACME Creative" in refused.content
    assert PortalSignIn.objects.filter(email="maya@acme.test").first().outcome == SignInOutcome.NO_ACCESS

    team.post(f"/integrations/portal/accounts/{a['account'].pk}/access/", {"enabled": "1"})
    maya = signed_in(workspace, "maya@acme.test")
    assert maya.get(portal_url(workspace, "invoices/")).status_code == 200


def test_stopping_a_contact_ends_their_session(owner, workspace, a):
    maya = signed_in(workspace, "maya@acme.test")
    logged_in(owner).post(f"/integrations/portal/contacts/{a['contact'].pk}/login/", {"allowed": "0"})
    assert ended(maya.get(portal_url(workspace)), workspace)
    _, refused = sign_in_client(workspace, "maya@acme.test")
    assert b"Your portal access has been turned off" in refused.content


def test_a_password_set_by_the_team_ends_the_clients_other_sessions(owner, workspace, a):
    maya = signed_in(workspace, "maya@acme.test")
    response = logged_in(owner).post(f"/integrations/portal/contacts/{a['contact'].pk}/password/",
                                     {"password": "copper-lantern-harbor-12"})
    assert response.status_code == 302
    assert ended(maya.get(portal_url(workspace)), workspace)


def test_a_contact_moved_to_another_account_is_signed_out(workspace, a, b):
    maya = signed_in(workspace, "maya@acme.test")
    a["contact"].account = b["account"]
    a["contact"].save()
    assert ended(maya.get(portal_url(workspace)), workspace)


def test_the_portal_session_is_its_own_cookie_and_signing_out_leaves_the_team_login(owner, workspace, a):
    browser = logged_in(owner)
    signed_in(workspace, "maya@acme.test")
    _, response = sign_in_client(workspace, "maya@acme.test", client=browser)
    cookie = response.cookies[COOKIE]
    assert cookie["path"] == "/portal/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert browser.get(portal_url(workspace, "invoices/")).status_code == 200
    assert browser.get("/invoices/").status_code == 200  # both, side by side
    out = browser.post(portal_url(workspace, "sign-out/"))
    assert out.status_code == 302 and out.cookies[COOKIE].value == ""
    assert browser.get(portal_url(workspace, "invoices/")).status_code == 302
    assert browser.get("/invoices/").status_code == 200


def test_signing_in_starts_a_new_session_key(workspace, a):
    client = Client()
    client.get(portal_url(workspace, "sign-in/"))
    client.cookies[COOKIE] = "attacker-chosen-session-key"
    _, response = sign_in_client(workspace, "maya@acme.test", client=client)
    assert response.cookies[COOKIE].value not in ("", "attacker-chosen-session-key")


def test_sign_in_only_returns_to_a_page_of_this_portal(workspace, a):
    for target, expected in [(portal_url(workspace, "messages/"), portal_url(workspace, "messages/")),
                             ("https://evil.example/portal/", portal_url(workspace)), ("/integrations/", portal_url(workspace))]:
        response = Client().post(portal_url(workspace, "sign-in/"), {"email": "maya@acme.test", "password": CLIENT_PASSWORD,
                                                                     "next": target})
        assert response["Location"] == expected, target


# --- throttling -------------------------------------------------------------------------------

def fail(workspace, email, client=None, **extra):
    return sign_in_client(workspace, email, "not-the-password", client=client, **extra)[1]


def test_repeated_failures_for_one_email_make_the_next_attempts_wait_even_with_the_right_password(settings, workspace, a):
    settings.HUBWIRE_PORTAL_THROTTLE_PER_EMAIL = 3
    for _ in range(3):
        assert fail(workspace, "maya@acme.test").status_code == 200
    _, response = sign_in_client(workspace, "maya@acme.test")
    assert response.status_code == 429 and b"Too many failed attempts" in response.content
    assert 0 < int(response["Retry-After"]) <= settings.HUBWIRE_PORTAL_THROTTLE_WINDOW
    assert PortalSignIn.objects.first().outcome == SignInOutcome.THROTTLED
    # Refused attempts do not extend the wait; when the failures leave the window, the right password works.
    PortalSignIn.objects.filter(outcome=SignInOutcome.BAD_CREDENTIALS).update(
        created_at=timezone.now() - timedelta(seconds=settings.HUBWIRE_PORTAL_THROTTLE_WINDOW + 1))
    _, response = sign_in_client(workspace, "maya@acme.test")
    assert response.status_code == 302


def test_a_stranger_cannot_lock_a_client_out_of_the_browser_they_signed_in_with(settings, workspace, a):
    settings.HUBWIRE_PORTAL_THROTTLE_PER_EMAIL = 3
    mayas_browser = signed_in(workspace, "maya@acme.test")
    mayas_browser.post(portal_url(workspace, "sign-out/"))
    for _ in range(10):
        fail(workspace, "maya@acme.test", REMOTE_ADDR="203.0.113.9")
    assert sign_in_client(workspace, "maya@acme.test", REMOTE_ADDR="198.51.100.7")[1].status_code == 429
    _, response = sign_in_client(workspace, "maya@acme.test", client=mayas_browser, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    # A known browser still has its own limit.
    mayas_browser.post(portal_url(workspace, "sign-out/"))
    for _ in range(3):
        fail(workspace, "maya@acme.test", client=mayas_browser)
    assert sign_in_client(workspace, "maya@acme.test", client=mayas_browser)[1].status_code == 429


def test_one_address_trying_many_emails_is_throttled(settings, workspace, a, b):
    settings.HUBWIRE_PORTAL_THROTTLE_PER_IP = 4
    for n in range(4):
        fail(workspace, f"guess{n}@acme.test", REMOTE_ADDR="203.0.113.9")
    assert sign_in_client(workspace, "hank@globex.test", REMOTE_ADDR="203.0.113.9")[1].status_code == 429
    assert sign_in_client(workspace, "hank@globex.test", REMOTE_ADDR="198.51.100.7")[1].status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(settings, workspace, a):
    settings.HUBWIRE_BEHIND_PROXY, settings.HUBWIRE_PORTAL_THROTTLE_PER_IP = True, 2
    for spoofed in ["10.0.0.1", "10.0.0.2"]:  # a client cannot pick its address by sending the header itself
        fail(workspace, "x@acme.test", HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.9")
    assert PortalSignIn.objects.first().ip == "203.0.113.9"
    assert fail(workspace, "y@acme.test", HTTP_X_FORWARDED_FOR="10.0.0.3, 203.0.113.9").status_code == 429


def test_every_attempt_is_recorded_and_successes_are_recent_logins(owner, workspace, a):
    fail(workspace, "maya@acme.test")
    fail(workspace, "nobody@acme.test")
    signed_in(workspace, "maya@acme.test")
    assert list(PortalSignIn.objects.order_by("id").values_list("email", "outcome")) == [
        ("maya@acme.test", "bad_credentials"), ("nobody@acme.test", "bad_credentials"), ("maya@acme.test", "signed_in")]
    assert PortalUser.objects.get(contact=a["contact"]).last_sign_in_at is not None
    page = logged_in(owner).get(f"/integrations/portal/accounts/{a['account'].pk}/").content.decode()
    assert "Wrong email or password" in page and "Signed in" in page
    tab = logged_in(owner).get("/integrations/portal/").content.decode()
    assert re.search(r'data-testid="stat-logins"><div class="stat">1<', tab)


# --- invitations, resets and the forced change --------------------------------------------------

def invite(owner, contact):
    mail.outbox.clear()
    response = logged_in(owner).post(f"/integrations/portal/contacts/{contact.pk}/invite/")
    assert response.status_code == 302, response.content
    [message] = mail.outbox
    assert message.to == [contact.email]
    return re.search(r"http://\S+/password/\S+/", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_an_invitation_link_works_once(owner, workspace, a):
    from hubwire.crm.services.people import contact_create

    leo = contact_create(workspace=workspace, actor="test", account=a["account"], first_name="Leo", email="leo@acme.test")
    link = "/" + invite(owner, leo)
    assert Client().get(link).status_code == 200
    weak = Client().post(link, {"password": "password", "confirm": "password"})
    assert weak.status_code == 400 and b"too common" in weak.content
    differ = Client().post(link, {"password": "saffron-kettle-meadow-3", "confirm": "saffron-kettle-meadow-4"})
    assert differ.status_code == 400 and b"The two passwords differ" in differ.content
    assert not PortalUser.objects.get(contact=leo).has_password  # nothing written by the refusals

    client = Client()
    done = client.post(link, {"password": "saffron-kettle-meadow-3", "confirm": "saffron-kettle-meadow-3"})
    assert done.status_code == 302 and done["Location"] == portal_url(workspace)
    assert client.get(portal_url(workspace)).status_code == 200  # signed in, and that is a recorded sign-in
    assert PortalSignIn.objects.get(outcome__in=SIGNED_IN).outcome == SignInOutcome.SIGNED_IN_BY_LINK
    again = Client().get(link)
    assert again.status_code == 410 and b"already been used" in again.content
    assert Client().post(link, {"password": "other-kettle-meadow-5", "confirm": "other-kettle-meadow-5"}).status_code == 410
    assert sign_in_client(workspace, "leo@acme.test", "saffron-kettle-meadow-3")[1].status_code == 302


def test_an_invitation_link_expires_and_a_new_one_replaces_the_old(owner, workspace, a):
    first = "/" + invite(owner, a["contact"])
    second = "/" + invite(owner, a["contact"])
    assert Client().get(first).status_code == 410  # replaced
    assert Client().get(second).status_code == 200
    PortalToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(second)
    assert response.status_code == 410 and b"expired" in response.content
    assert Client().get(portal_url(workspace, "password/not-a-token/")).status_code == 410


def test_an_invitation_needs_an_email_and_a_unique_one(owner, workspace, a):
    from hubwire.crm.services.people import contact_create

    no_email = contact_create(workspace=workspace, actor="test", account=a["account"], first_name="Nomail")
    twin = contact_create(workspace=workspace, actor="test", account=a["account"], first_name="Twin", email="MAYA@acme.test")
    team = logged_in(owner)
    response = team.post(f"/integrations/portal/contacts/{no_email.pk}/invite/")
    assert response.status_code == 400 and b"Add an email address to Nomail first" in response.content
    response = team.post(f"/integrations/portal/contacts/{twin.pk}/invite/")
    assert response.status_code == 400 and b"Another contact already signs in to the portal as" in response.content
    assert not PortalUser.objects.filter(contact__in=[no_email, twin]).exists() and not mail.outbox


def test_the_team_sets_a_strong_password_only(owner, workspace, a):
    team = logged_in(owner)
    before = PortalUser.objects.get(contact=a["contact"]).password
    for weak, why in [("short", b"too short"), ("12345678901", b"entirely numeric"), ("password123", b"too common"),
                      ("acmepersonclient", b"too similar")]:
        response = team.post(f"/integrations/portal/contacts/{a['contact'].pk}/password/", {"password": weak})
        assert response.status_code == 400 and why in response.content, weak
    assert PortalUser.objects.get(contact=a["contact"]).password == before


def test_a_staff_set_password_must_be_changed_at_first_sign_in(owner, workspace, a):
    logged_in(owner).post(f"/integrations/portal/contacts/{a['contact'].pk}/password/",
                          {"password": "temporary-walnut-77", "must_change": "on"})
    client, response = sign_in_client(workspace, "maya@acme.test", "temporary-walnut-77")
    change = portal_url(workspace, "change-password/")
    for page in ["", "invoices/", f"invoices/{a['invoice'].pk}/", "messages/"]:
        response = client.get(portal_url(workspace, page))
        assert response.status_code == 302 and response["Location"] == change, page
    assert b"set a password for you" in client.get(change).content
    for data, why in [({"current": "wrong", "password": "violet-anchor-33", "confirm": "violet-anchor-33"}, b"not your current"),
                      ({"current": "temporary-walnut-77", "password": "temporary-walnut-77", "confirm": "temporary-walnut-77"},
                       b"different from the current"),
                      ({"current": "temporary-walnut-77", "password": "violet-anchor-33", "confirm": "violet-anchor-34"}, b"differ"),
                      ({"current": "temporary-walnut-77", "password": "abc", "confirm": "abc"}, b"too short")]:
        response = client.post(change, data)
        assert response.status_code == 400 and why in response.content, data
    response = client.post(change, {"current": "temporary-walnut-77", "password": "violet-anchor-33",
                                    "confirm": "violet-anchor-33"})
    assert response.status_code == 302
    assert client.get(portal_url(workspace, "invoices/")).status_code == 200  # this session followed the change
    assert sign_in_client(workspace, "maya@acme.test", "temporary-walnut-77")[1].status_code == 200  # old one refused
    assert sign_in_client(workspace, "maya@acme.test", "violet-anchor-33")[1].status_code == 302


def test_password_reset_by_email(workspace, a):
    mail.outbox.clear()
    for email in ["nobody@acme.test", "maya@acme.test"]:
        response = Client().post(portal_url(workspace, "reset/"), {"email": email})
        assert response.status_code == 200 and b"an email with a link" in response.content  # the same either way
    [message] = mail.outbox
    assert message.to == ["maya@acme.test"]
    link = re.search(r"http://\S+(/portal/\S+/)", message.body).group(1)
    client = Client()
    assert client.post(link, {"password": "harbor-violet-99", "confirm": "harbor-violet-99"}).status_code == 302
    assert client.get(portal_url(workspace, "invoices/")).status_code == 200
    assert Client().get(link).status_code == 410
    assert sign_in_client(workspace, "maya@acme.test", "harbor-violet-99")[1].status_code == 302
    for _ in range(5):
        Client().post(portal_url(workspace, "reset/"), {"email": "maya@acme.test"})
    assert len(mail.outbox) == 3  # at most three reset emails an hour
    assert Client().post(portal_url(workspace, "reset/"), {"email": "not an email"}).status_code == 200


def test_no_invitation_while_the_accounts_portal_is_off(owner, workspace, a):
    team = logged_in(owner)
    team.post(f"/integrations/portal/accounts/{a['account'].pk}/access/", {"enabled": "0"})
    mail.outbox.clear()
    response = team.post(f"/integrations/portal/contacts/{a['contact'].pk}/invite/")
    assert response.status_code == 400 and b"Turn the portal on for ACME Creative first" in response.content
    assert not mail.outbox and not PortalToken.objects.exists()


def test_no_reset_email_without_access(owner, workspace, a):
    logged_in(owner).post(f"/integrations/portal/accounts/{a['account'].pk}/access/", {"enabled": "0"})
    mail.outbox.clear()
    Client().post(portal_url(workspace, "reset/"), {"email": "maya@acme.test"})
    assert not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_an_invitation_link_used_in_two_tabs_at_once_sets_one_password(owner, workspace, a):
    from hubwire.portal.services import LinkInvalid, link_use
    from tests.conftest import in_threads

    raw = invite(owner, a["contact"]).rsplit("/", 2)[-2]
    results, errors = in_threads(3, lambda: link_use(workspace=workspace, raw=raw, password="tab-lantern-1",
                                                     confirm="tab-lantern-1"))
    assert len(results) == 1 and len(errors) == 2 and all(isinstance(e, LinkInvalid) for e in errors), errors
    assert PortalToken.objects.get(purpose="invite").used_at is not None


def test_an_invitation_that_cannot_be_mailed_says_so_and_leaves_nothing(settings, owner, workspace, a):
    from hubwire.crm.services.people import contact_create

    leo = contact_create(workspace=workspace, actor="test", account=a["account"], first_name="Leo", email="leo@acme.test")
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}  # nothing listens
    response = logged_in(owner).post(f"/integrations/portal/contacts/{leo.pk}/invite/")
    assert response.status_code == 400 and b"The invitation could not be sent" in response.content
    assert not PortalUser.objects.filter(contact=leo).exists() and not PortalToken.objects.exists()
