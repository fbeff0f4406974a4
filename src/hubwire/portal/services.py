"""Portal writes: the team's (portal on/off per account, who may sign in, passwords, invitations)
and the client's own (set or change a password, reset it by email, accept a contract, write)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.core.errors import FieldError
from hubwire.core.models import hash_link_token, new_link_token
from hubwire.crm.models import Account, Contact, MessageDirection
from hubwire.crm.services.work import contract_accept, conversation_mark_read, message_post
from hubwire.portal.auth import Client, access_problem, bump_sessions, find_portal_user, normalize_email
from hubwire.portal.models import PortalAccess, PortalToken, PortalUser, TokenPurpose

log = logging.getLogger(__name__)
SUBJECT = "portal"
# Reset emails per login per hour: enough for a forgetful client, too few to flood their inbox.
RESETS_PER_HOUR = 3
LINK_USED = "This link has already been used. Sign in, or reset your password for a new link."


def portal_link(workspace) -> str:
    return settings.HUBWIRE_BASE_URL + reverse("portal:home", args=[workspace.pk])


# --- the team's side --------------------------------------------------------------------------

def access_set(*, account: Account, enabled: bool, actor) -> PortalAccess:
    """Turn the portal on or off for an account. Off ends its clients' sessions at their next request."""
    with transaction.atomic():
        access, _ = PortalAccess.objects.select_for_update().get_or_create(
            account=account, defaults={"workspace": account.workspace})
        if access.enabled != enabled:
            access.enabled, access.changed_at, access.changed_by = enabled, timezone.now(), actor
            access.save()
            audit_record(workspace=account.workspace, action="portal_enabled" if enabled else "portal_disabled",
                         subject=SUBJECT, actor=actor, detail=account.name)
    return access


def _login_problems(contact: Contact) -> None:
    """Refuse (FieldError) a contact who cannot have a portal login."""
    errors = {}
    if contact.account_id is None:
        errors["contact"] = f"{contact} is not at an account; portal logins belong to an account's contacts."
    if not contact.email:
        errors["email"] = f"Add an email address to {contact} first: it is what they sign in with."
    elif (PortalUser.objects.filter(workspace_id=contact.workspace_id, contact__email__iexact=contact.email)
          .exclude(contact=contact).exists()):
        errors["email"] = f"Another contact already signs in to the portal as {contact.email}."
    if errors:
        raise FieldError(errors)


def _login_for(contact: Contact) -> PortalUser:
    """The contact's portal login, created (allowed) when it has none; refused when they cannot have one."""
    _login_problems(contact)
    portal_user, _ = PortalUser.objects.get_or_create(contact=contact, defaults={"workspace_id": contact.workspace_id})
    return portal_user


def login_allow(*, contact: Contact, allowed: bool, actor) -> PortalUser | None:
    """Let a contact sign in, or stop them (their open sessions end at their next request)."""
    with transaction.atomic():
        existing = PortalUser.objects.filter(contact=contact).first()
        if (existing.allowed == allowed) if existing else not allowed:
            return existing  # nothing to change
        portal_user = _login_for(contact) if allowed else existing  # allowing checks the email again
        portal_user.allowed = allowed
        portal_user.save(update_fields=["allowed", "updated_at"])
        if not allowed:
            bump_sessions(portal_user)
        audit_record(workspace=contact.workspace, action="portal_login_allowed" if allowed else "portal_login_stopped",
                     subject=SUBJECT, actor=actor, detail=f"{contact.name} <{contact.email}>")
    return portal_user


def check_strength(password: str, contact: Contact, field: str = "password") -> None:
    """Django's password validators (length, common, numeric, too close to the client's name or email)."""
    try:
        validate_password(password or "", user=contact)  # the similarity check reads its name and email fields
    except ValidationError as exc:
        raise FieldError({field: " ".join(exc.messages)}) from None


def _store_password(portal_user: PortalUser, password: str, *, must_change: bool) -> None:
    portal_user.password = make_password(password)
    portal_user.must_change_password = must_change
    portal_user.password_set_at = timezone.now()
    portal_user.save(update_fields=["password", "must_change_password", "password_set_at", "updated_at"])


def password_set(*, contact: Contact, password: str, must_change: bool, actor) -> PortalUser:
    """The team sets a contact's password (and so lets them in). Their other sessions end."""
    check_strength(password, contact)
    with transaction.atomic():
        portal_user = _login_for(contact)
        portal_user.allowed = True
        _store_password(portal_user, password, must_change=must_change)
        bump_sessions(portal_user)
        audit_record(workspace=contact.workspace, action="portal_password_set", subject=SUBJECT, actor=actor,
                     detail=f"{contact.name} <{contact.email}>" + (", to change at first sign-in" if must_change else ""))
    return portal_user


def _link_url(workspace_id: int, raw: str) -> str:
    return settings.HUBWIRE_BASE_URL + reverse("portal:set_password", args=[workspace_id, raw])


def _issue_link(portal_user: PortalUser, purpose: str, lifetime: timedelta, created_by=None, raw: str = "") -> str:
    """A new single-use link; earlier unused links of the same kind stop working."""
    PortalToken.objects.filter(portal_user=portal_user, purpose=purpose, used_at=None,
                               expires_at__gt=timezone.now()).update(expires_at=timezone.now())
    _, raw = PortalToken.issue(portal_user=portal_user, purpose=purpose, lifetime=lifetime, created_by=created_by,
                               raw=raw)
    return _link_url(portal_user.workspace_id, raw)


def invite_send(*, contact: Contact, actor) -> PortalUser:
    """Email the contact a link to choose their password, valid once, for HUBWIRE_PORTAL_INVITE_HOURS."""
    hours = settings.HUBWIRE_PORTAL_INVITE_HOURS
    if contact.account_id and not PortalAccess.is_on(contact.account_id):
        # The link would only say "the portal is turned off"; a password can still be set ahead.
        raise FieldError(contact=f"Turn the portal on for {contact.account} first: the invitation would not work yet.")
    _login_problems(contact)
    # The mail goes first, outside any transaction: no database lock waits on the mail server. The
    # token is written only once the mail is out, so a failed send leaves nothing behind.
    raw, business = new_link_token(), contact.workspace.name
    try:
        send_mail(subject=f"{business} invited you to their client portal",
                  message=f"Hello {contact.first_name},\n\n{business} gave you a login to their client portal, "
                          f"where you can see your projects, invoices and contracts and message them.\n\n"
                          f"Choose your password here (the link works once, for {hours} hours):\n"
                          f"{_link_url(contact.workspace_id, raw)}\n\n"
                          f"Afterwards, sign in at {portal_link(contact.workspace)}\n",
                  from_email=None, recipient_list=[contact.email])
    except Exception as exc:
        log.warning("portal invitation to contact %s could not be sent: %s", contact.pk, exc)
        raise FieldError(email=f"The invitation could not be sent ({type(exc).__name__}). Check the mail "
                               "settings (EMAIL_HOST) and try again.") from None
    with transaction.atomic():
        portal_user = _login_for(contact)
        if not portal_user.allowed:
            portal_user.allowed = True
            portal_user.save(update_fields=["allowed", "updated_at"])
        _issue_link(portal_user, TokenPurpose.INVITE, timedelta(hours=hours), created_by=actor, raw=raw)
        audit_record(workspace=contact.workspace, action="portal_invited", subject=SUBJECT, actor=actor,
                     detail=f"{contact.name} <{contact.email}>, link valid {hours} h")
    return portal_user


# --- the client's side ------------------------------------------------------------------------

def reset_request(*, workspace, email: str) -> None:
    """Email a reset link when `email` has a portal login with access. Says nothing either way (no
    way to find out who has a login), and sends at most RESETS_PER_HOUR an hour."""
    portal_user = find_portal_user(workspace, normalize_email(email))
    if portal_user is None or access_problem(portal_user):
        return
    recent = PortalToken.objects.filter(portal_user=portal_user, purpose=TokenPurpose.RESET,
                                        created_at__gte=timezone.now() - timedelta(hours=1)).count()
    if recent >= RESETS_PER_HOUR:
        return
    minutes = settings.HUBWIRE_PORTAL_RESET_MINUTES
    link = _issue_link(portal_user, TokenPurpose.RESET, timedelta(minutes=minutes))
    contact = portal_user.contact
    try:
        send_mail(subject=f"Reset your {workspace.name} portal password",
                  message=f"Hello {contact.first_name},\n\nSomeone (hopefully you) asked to reset your password for "
                          f"the {workspace.name} client portal. Choose a new one here (the link works once, for "
                          f"{minutes} minutes):\n{link}\n\nIf it was not you, ignore this email: nothing changes.\n",
                  from_email=None, recipient_list=[contact.email])
    except Exception as exc:
        log.warning("portal password reset mail to contact %s could not be sent: %s", contact.pk, exc)


class LinkInvalid(Exception):
    """An invitation or reset link that cannot be used; the message says why."""


def link_check(workspace, raw: str) -> PortalToken:
    token = (PortalToken.objects.select_related("portal_user__contact__account", "portal_user__workspace")
             .filter(token_hash=hash_link_token(raw), portal_user__workspace=workspace).first())
    if token is None:
        raise LinkInvalid("This link is not valid. Ask for a new one.")
    if token.used_at:
        raise LinkInvalid(LINK_USED)
    if token.expires_at <= timezone.now():
        raise LinkInvalid("This link has expired. Reset your password, or ask for a new invitation.")
    return token


def link_use(*, workspace, raw: str, password: str, confirm: str) -> PortalUser:
    """Set the password through an invitation or reset link, which is then used up."""
    with transaction.atomic():
        token = link_check(workspace, raw)
        token = PortalToken.objects.select_for_update().get(pk=token.pk)
        if token.used_at:  # a second tab posting at the same moment
            raise LinkInvalid(LINK_USED)
        portal_user = PortalUser.objects.select_related("contact__account", "workspace").get(pk=token.portal_user_id)
        if problem := access_problem(portal_user):
            raise LinkInvalid(f"{problem} Ask {workspace.name} if you think this is a mistake.")
        _check_new_password(portal_user, password, confirm)
        _store_password(portal_user, password, must_change=False)
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        bump_sessions(portal_user)
    return portal_user


def _check_new_password(portal_user: PortalUser, password: str, confirm: str) -> None:
    if password != confirm:
        raise FieldError(confirm="The two passwords differ.")
    check_strength(password, portal_user.contact)


def password_change(*, client: Client, request, current: str, password: str, confirm: str) -> None:
    """The client changes their password (required after the team set one). Other sessions end."""
    portal_user = client.portal_user
    if not check_password(current or "", portal_user.password):
        raise FieldError(current="This is not your current password.")
    if password == current:
        raise FieldError(password="Choose a password different from the current one.")
    _check_new_password(portal_user, password, confirm)
    with transaction.atomic():
        _store_password(portal_user, password, must_change=False)
        bump_sessions(portal_user, request)


def actor_of(client: Client) -> str:
    return f"{client.contact.email} (client portal)"


def client_message(*, client: Client, body: str):
    return message_post(workspace=client.workspace, actor=actor_of(client), account=client.account, body=body,
                        direction=MessageDirection.INBOUND, contact=client.contact)


def client_read_conversation(*, client: Client) -> int:
    return conversation_mark_read(account=client.account, direction=MessageDirection.OUTBOUND)


def client_accept_contract(*, client: Client, contract):
    return contract_accept(contract=contract, contact=client.contact, actor=actor_of(client))
