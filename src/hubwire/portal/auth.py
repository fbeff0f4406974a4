"""Signing clients in and out of the portal, and who is signed in on each request.

Access is re-checked on every request (access_problem), so turning an account's portal off,
stopping a contact or changing their password ends their open sessions at their next click."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hubwire.core.throttle import client_ip, wait_message
from hubwire.crm.models import Account, Contact
from hubwire.portal import throttle
from hubwire.portal.models import PortalAccess, PortalSignIn, PortalUser, SignInOutcome

KEY_USER, KEY_VERSION, KEY_ACCOUNT = "portal_user_id", "portal_session_version", "portal_account_id"


@dataclass
class Client:
    """The signed-in client of a portal request."""

    portal_user: PortalUser
    contact: Contact
    account: Account

    @property
    def workspace(self):
        return self.portal_user.workspace


@dataclass
class SignInResult:
    portal_user: PortalUser | None = None
    error: str = ""
    wait: int = 0  # seconds, when throttled
    device: str = ""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_portal_user(workspace, email: str) -> PortalUser | None:
    """The portal login for `email` in this workspace; None when there is none or (after a contact
    edit) more than one: neither can sign in until the team gives them different emails."""
    if not email:
        return None
    found = list(PortalUser.objects.select_related("contact__account", "workspace")
                 .filter(workspace=workspace, contact__email__iexact=email)[:2])
    return found[0] if len(found) == 1 else None


def access_problem(portal_user: PortalUser) -> str:
    """Why this client may not use the portal now, in words for them; '' when they may."""
    account = portal_user.contact.account
    if not portal_user.allowed or account is None:
        return "Your portal access has been turned off."
    if not PortalAccess.is_on(account.pk):
        return f"The portal is turned off for {account.name}."
    return ""


def _record(workspace, email, ip, device, outcome, portal_user=None) -> None:
    PortalSignIn.objects.create(workspace=workspace, email=email[:254], ip=ip, device=device, outcome=outcome,
                                portal_user=portal_user)


def authenticate(request, workspace, email: str, password: str) -> SignInResult:
    """Check a sign-in attempt (throttled, recorded). Does not start the session: see `start_session`."""
    email, ip = normalize_email(email), client_ip(request)
    portal_user = find_portal_user(workspace, email)
    device = throttle.known_device(request, portal_user)
    wait = throttle.wait_seconds(workspace=workspace, email=email, ip=ip, device=device)
    if wait:
        _record(workspace, email, ip, device, SignInOutcome.THROTTLED, portal_user)
        return SignInResult(error=wait_message(wait, "reset your password by email"), wait=wait)
    if portal_user is not None and portal_user.password:
        def upgrade(raw):  # re-hash with current parameters (argon2 settings move on)
            PortalUser.objects.filter(pk=portal_user.pk).update(password=make_password(raw))

        matched = check_password(password, portal_user.password, setter=upgrade)
    else:
        make_password(password)  # the same work as a real check, so timing does not reveal who has a login
        matched = False
    if not matched:
        _record(workspace, email, ip, device, SignInOutcome.BAD_CREDENTIALS, portal_user)
        return SignInResult(error="That email and password do not match a portal login.")
    if problem := access_problem(portal_user):
        _record(workspace, email, ip, device, SignInOutcome.NO_ACCESS, portal_user)
        return SignInResult(error=f"{problem} Ask {workspace.name} if you think this is a mistake.")
    _record_success(workspace, email, ip, device, portal_user)
    return SignInResult(portal_user=portal_user, device=device)


def _record_success(workspace, email, ip, device, portal_user, outcome=SignInOutcome.SIGNED_IN) -> None:
    _record(workspace, email, ip, device, outcome, portal_user)
    PortalUser.objects.filter(pk=portal_user.pk).update(last_sign_in_at=timezone.now())


def record_link_sign_in(request, portal_user: PortalUser) -> None:
    """An invitation or reset link signed the client in: a sign-in like any other."""
    _record_success(portal_user.workspace, portal_user.contact.email.lower(), client_ip(request), "",
                    portal_user, SignInOutcome.SIGNED_IN_BY_LINK)


def start_session(request, portal_user: PortalUser) -> None:
    """Bind the portal session to `portal_user` (a new session key: no fixation)."""
    session = request.portal_session
    session.flush()
    session[KEY_USER] = portal_user.pk
    session[KEY_VERSION] = portal_user.session_version
    session[KEY_ACCOUNT] = portal_user.contact.account_id
    session.set_expiry(int(timedelta(hours=settings.HUBWIRE_PORTAL_SESSION_HOURS).total_seconds()))


def end_session(request) -> None:
    request.portal_session.flush()


def current_client(request, workspace_id: int) -> tuple[Client | None, bool]:
    """(the signed-in client, whether a session just ended). A session ends when its login is
    gone, stopped, moved to another account, its password changed, or the account's portal is off."""
    session = request.portal_session
    user_id = session.get(KEY_USER)
    if user_id is None:
        return None, False
    portal_user = PortalUser.objects.select_related("contact__account", "workspace").filter(pk=user_id).first()
    if portal_user is not None and portal_user.workspace_id != workspace_id:
        return None, False  # signed in to another business's portal: not this one, and that one stays
    if (portal_user is None or portal_user.session_version != session.get(KEY_VERSION)
            or portal_user.contact.account_id != session.get(KEY_ACCOUNT) or access_problem(portal_user)):
        session.flush()
        return None, True
    return Client(portal_user, portal_user.contact, portal_user.contact.account), False


def bump_sessions(portal_user: PortalUser, request=None) -> None:
    """End every session of `portal_user`, except the one of `request` (which follows the change)."""
    with transaction.atomic():
        PortalUser.objects.filter(pk=portal_user.pk).update(session_version=F("session_version") + 1)
        portal_user.refresh_from_db(fields=["session_version"])
    if request is not None and request.portal_session.get(KEY_USER) == portal_user.pk:
        request.portal_session[KEY_VERSION] = portal_user.session_version

