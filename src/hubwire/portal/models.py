"""Who at a client account may sign in to the Client Portal, how, and every attempt to.

Portal users are not team users: they are CRM contacts with a password of their own, signed in
through a session of their own (see session.py). Access is a chain checked on every request: the
account's portal is on, the contact is allowed, and the session belongs to the contact's current
password and access (`session_version`)."""

from django.db import models
from django.utils import timezone

from hubwire.core.models import SignInAttempt, User, Workspace, hash_link_token, new_link_token
from hubwire.crm.models import Account, Contact


class PortalAccess(models.Model):
    """The per-account switch. No row means the portal has never been turned on for the account."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="portal_access")
    enabled = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    @classmethod
    def is_on(cls, account_id) -> bool:
        return cls.objects.filter(account_id=account_id, enabled=True).exists()


class PortalUser(models.Model):
    """A contact's portal login. The email they sign in with is the contact's email."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="portal_user")
    allowed = models.BooleanField(default=True)
    password = models.CharField(max_length=255, blank=True, help_text="A Django password hash; empty until one is set.")
    must_change_password = models.BooleanField(default=False,
                                               help_text="Set by the team: the client chooses their own at first sign-in.")
    password_set_at = models.DateTimeField(null=True, blank=True)
    # Bumped whenever access or the password changes: sessions carrying an older number end.
    session_version = models.PositiveIntegerField(default=1)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"portal login of {self.contact}"

    @property
    def has_password(self) -> bool:
        return bool(self.password)


class TokenPurpose(models.TextChoices):
    INVITE = "invite", "Invitation"
    RESET = "reset", "Password reset"


class PortalToken(models.Model):
    """A single-use link sent by email (an invitation or a password reset). Only its SHA-256 is kept."""

    portal_user = models.ForeignKey(PortalUser, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=10, choices=TokenPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    @classmethod
    def issue(cls, *, portal_user: PortalUser, purpose: str, lifetime, created_by=None,
              raw: str = "") -> tuple["PortalToken", str]:
        """A new token (`raw`, when the link was already made, e.g. mailed before this write)."""
        raw = raw or new_link_token()
        token = cls.objects.create(portal_user=portal_user, purpose=purpose, token_hash=hash_link_token(raw),
                                   expires_at=timezone.now() + lifetime, created_by=created_by)
        return token, raw


class SignInOutcome(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_IN_BY_LINK = "signed_in_by_link", "Signed in with an emailed link"
    BAD_CREDENTIALS = "bad_credentials", "Wrong email or password"
    THROTTLED = "throttled", "Refused: too many failed attempts"
    NO_ACCESS = "no_access", "Refused: portal access is off"


SIGNED_IN = [SignInOutcome.SIGNED_IN, SignInOutcome.SIGNED_IN_BY_LINK]


class PortalSignIn(SignInAttempt):
    """One sign-in attempt, successful or not. Failures drive the throttle; successes are "recent logins"."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    portal_user = models.ForeignKey(PortalUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_ins")
    outcome = models.CharField(max_length=20, choices=SignInOutcome.choices)

    class Meta(SignInAttempt.Meta):
        indexes = [models.Index(fields=["workspace", "email", "created_at"]),
                   models.Index(fields=["ip", "created_at"])]
