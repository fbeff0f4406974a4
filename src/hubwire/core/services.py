"""Workspace and team writes.

People join a team only by invitation: an expiring, single-use link mailed to them. Whoever
accepts either chooses their own password (a new login) or signs in to the login they already
have, so no one on a team ever sets, or learns anything about, another person's login. The team
page says the same thing whether or not an invited email already has a login."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.core.errors import FieldError
from hubwire.core.timezones import time_zone_name
from hubwire.core.models import (ApiKey, Membership, Role, TeamInvitation, User, Workspace, hash_link_token,
                                 new_link_token)

log = logging.getLogger(__name__)
TEAM = "team"


def workspace_create(*, name: str, owner: User) -> Workspace:
    with transaction.atomic():
        workspace = Workspace.objects.create(name=name)
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
        return workspace


def workspace_set_time_zone(*, workspace: Workspace, time_zone: str, actor: User) -> Workspace:
    """The zone new appointments are booked in unless told otherwise."""
    zone = time_zone_name((time_zone or "").strip())
    with transaction.atomic():
        Workspace.objects.filter(pk=workspace.pk).update(time_zone=zone)
        audit_record(workspace=workspace, action="time_zone_set", subject=TEAM, actor=actor, detail=zone)
    workspace.time_zone = zone
    return workspace


def member_add(*, workspace: Workspace, user: User, role: str = Role.MEMBER) -> Membership:
    """Put a login that already exists on the team (an accepted invitation; the demo's seed)."""
    membership, _ = Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})
    return membership


# --- invitations --------------------------------------------------------------------------------

def invitation_link(raw: str) -> str:
    return settings.HUBWIRE_BASE_URL + reverse("team_join", args=[raw])


def member_invite(*, inviter: Membership, email: str, role: str) -> TeamInvitation:
    """Mail `email` a link to join the inviter's workspace as `role`. A newer invitation to the same
    email replaces an older one still open. Raises FieldError before anything is sent or written."""
    workspace, email = inviter.workspace, email.strip().lower()
    if role not in Role.values:
        raise FieldError(role="Choose Owner, Admin or Member.")
    if role == Role.OWNER and inviter.role != Role.OWNER:
        raise FieldError(role="Only an owner can invite another owner.")
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise FieldError(email=f"{email} is already on this team.")
    hours = settings.HUBWIRE_TEAM_INVITE_HOURS
    raw, who = new_link_token(), inviter.user.full_name or inviter.user.email
    # The mail goes first, outside any transaction (no database lock waits on the mail server); the
    # invitation is written once the mail is out, so a failed send leaves nothing behind.
    try:
        send_mail(subject=f"{who} invited you to {workspace.name} on hubwire",
                  message=f"Hello,\n\n{who} invited you to join the team of {workspace.name} on hubwire as "
                          f"{Role(role).label.lower()}.\n\nAccept here (the link works once, for {hours} hours):\n"
                          f"{invitation_link(raw)}\n\nIf you did not expect this, ignore this email.\n",
                  from_email=None, recipient_list=[email])
    except Exception as exc:
        log.warning("team invitation to workspace %s could not be sent: %s", workspace.pk, exc)
        raise FieldError(email=f"The invitation could not be sent ({type(exc).__name__}). Check the mail "
                               "settings (EMAIL_HOST) and try again.") from None
    now = timezone.now()
    with transaction.atomic():
        _open_invitations(workspace).filter(email=email).update(revoked_at=now)
        invitation = TeamInvitation.objects.create(workspace=workspace, email=email, role=role, invited_by=inviter.user,
                                                   token_hash=hash_link_token(raw), expires_at=now + timedelta(hours=hours))
        audit_record(workspace=workspace, action="member_invited", subject=TEAM, actor=inviter.user,
                     detail=f"{email} as {Role(role).label.lower()}, link valid {hours} h")
    return invitation


def _open_invitations(workspace: Workspace):
    return TeamInvitation.objects.filter(workspace=workspace, accepted_at=None, revoked_at=None,
                                         expires_at__gt=timezone.now())


def open_invitations(workspace: Workspace):
    return _open_invitations(workspace).select_related("invited_by").order_by("email")


def invitation_revoke(*, invitation: TeamInvitation, actor: User) -> None:
    with transaction.atomic():
        if TeamInvitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
                revoked_at=timezone.now()):
            audit_record(workspace=invitation.workspace, action="invitation_revoked", subject=TEAM, actor=actor,
                         detail=invitation.email)


def invitation_problem(invitation: TeamInvitation | None) -> str:
    """Why this link cannot be used, in words for the person holding it; '' when it can."""
    if invitation is None:
        return "This invitation link is not valid. Check that you copied all of it."
    if invitation.accepted_at:
        return "This invitation has already been accepted. Sign in to reach the team."
    if invitation.revoked_at:
        return f"This invitation was withdrawn. Ask {invitation.workspace} for a new one."
    if invitation.expires_at <= timezone.now():
        return f"This invitation has expired. Ask {invitation.workspace} for a new one."
    return ""


def invitation_find(raw: str) -> TeamInvitation | None:
    return TeamInvitation.objects.select_related("workspace", "invited_by").filter(token_hash=hash_link_token(raw)).first()


def _accept(raw: str, user_for) -> Membership:
    """Use the link once: under the row lock, check it is still open, then add whoever user_for()
    names. Two tabs submitting the same link at once make one membership."""
    with transaction.atomic():
        invitation = (TeamInvitation.objects.select_for_update().select_related("workspace")
                      .filter(token_hash=hash_link_token(raw)).first())
        if problem := invitation_problem(invitation):
            raise FieldError(invitation=problem)
        user = user_for(invitation)
        membership = member_add(workspace=invitation.workspace, user=user, role=invitation.role)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(workspace=invitation.workspace, action="member_joined", subject=TEAM, actor=user,
                     detail=f"{user.email} as {membership.get_role_display().lower()}")
    return membership


def invitation_accept_new(*, raw: str, full_name: str, password: str) -> Membership:
    """Accept as someone without a login: their own password, checked by Django's validators."""
    def new_login(invitation):
        if User.objects.filter(email=invitation.email).exists():
            raise FieldError(invitation=f"There is already a hubwire login for {invitation.email}. Sign in to accept.")
        user = User(email=invitation.email, full_name=full_name.strip())
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise FieldError(password=" ".join(exc.messages)) from None
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same email joined through another link a moment ago
            raise FieldError(invitation=f"There is already a hubwire login for {invitation.email}. Sign in to accept.") from None
        return user

    return _accept(raw, new_login)


def invitation_accept_existing(*, raw: str, user: User) -> Membership:
    """Accept while signed in to the login the invitation was sent to."""
    def signed_in_login(invitation):
        if user.email.lower() != invitation.email:
            raise FieldError(invitation=f"This invitation is for {invitation.email}. Sign out, then sign in as "
                                        f"{invitation.email} to accept it.")
        return user

    return _accept(raw, signed_in_login)


# --- API keys -------------------------------------------------------------------------------------

def api_key_issue(*, workspace: Workspace, name: str) -> tuple[ApiKey, str]:
    return ApiKey.issue(workspace=workspace, name=name.strip())


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(revoked_at=timezone.now())
