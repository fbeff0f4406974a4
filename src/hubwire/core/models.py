"""Workspaces (one business each), team users, their roles, and workspace API keys."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Workspace(models.Model):
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="UTC",
                                 help_text="IANA name; new appointments are booked in it unless told otherwise.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A team member. Logs in with email + password (argon2). Clients use the portal instead."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the Django admin (instance operators).")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")]

    @property
    def can_manage(self) -> bool:
        """Owners and admins manage the team and the workspace's connections; members do CRM work."""
        return self.role in (Role.OWNER, Role.ADMIN)


API_KEY_PREFIX = "hw_"


def hash_api_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """A workspace API key. Only its SHA-256 is stored; the key itself is shown once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters, to tell keys apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def issue(cls, *, workspace: Workspace, name: str) -> tuple["ApiKey", str]:
        raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(workspace=workspace, name=name, prefix=raw[:10], key_hash=hash_api_key(raw))
        return key, raw

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# What each audit action code says to a business owner; the one place codes become words.
# A provider folder adds the words of its own actions with audit_words() (core/audit.py).
AUDIT_ACTION_WORDS = {
    "connected": "Connected",
    "disconnected": "Disconnected",
    "deauthorized": "Access removed at the provider",
    "refreshed": "Authorization renewed",
    "needs_attention": "Needs attention",
    "credentials_saved": "Credentials saved",
    "inbound_url_rotated": "Event URL replaced (the old one stopped working)",
    "time_zone_set": "Workspace time zone changed",
    "member_invited": "Team member invited",
    "member_joined": "Team member joined",
    "invitation_revoked": "Invitation withdrawn",
    "password_changed": "Password changed",
    "password_reset": "Password reset",
    "sign_in_failed": "Failed sign-in",
    "portal_enabled": "Client portal turned on",
    "portal_disabled": "Client portal turned off",
    "portal_invited": "Client invited to the portal",
    "portal_login_allowed": "Client allowed to sign in",
    "portal_login_stopped": "Client's sign-in stopped",
    "portal_password_set": "Client's portal password set",
    "inbound_hook_created": "Inbound hook created",
    "inbound_hook_enabled": "Inbound hook turned on",
    "inbound_hook_disabled": "Inbound hook turned off",
    "inbound_hook_deleted": "Inbound hook deleted",
    "webhook_endpoint_created": "Webhook endpoint added",
    "webhook_endpoint_updated": "Webhook endpoint changed",
    "webhook_endpoint_disabled": "Webhook endpoint turned off",
    "webhook_endpoint_deleted": "Webhook endpoint deleted",
    "webhook_endpoint_secret_rotated": "Webhook signing secret rotated",
    "stripe_account_created": "Stripe account created",
    "stripe_active": "Stripe account active",
    "stripe_setup_incomplete": "Stripe setup incomplete",
    "stripe_needs_attention": "Stripe account needs attention",
    "stripe_not_connected": "Stripe account disconnected",
    "stripe_payment_started": "Online payment started",
    "stripe_payment_received": "Payment received through Stripe",
    "stripe_payment_unmatched": "Stripe payment matched no invoice",
    "stripe_payment_failed": "Online payment failed",
    "stripe_payment_expired": "Online payment expired unpaid",
    "stripe_payment_processing": "Online payment processing",
    "stripe_payment_declined": "Card declined",
}


class AuditEntry(models.Model):
    """Who did what to the workspace's connections and secrets, and when. Never holds a secret."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                              help_text="Empty when hubwire itself acted (a worker, a provider's webhook).")
    action = models.CharField(max_length=60)
    subject = models.CharField(max_length=120, help_text="What it acted on, e.g. 'zoom' or 'stripe (test)'.")
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject}"

    @property
    def action_words(self) -> str:
        return AUDIT_ACTION_WORDS.get(self.action) or self.action.replace("_", " ").capitalize()


class SignInOutcome(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    BAD_CREDENTIALS = "bad_credentials", "Wrong email or password"
    THROTTLED = "throttled", "Refused: too many failed attempts"
    RESET_REQUESTED = "reset_requested", "Asked for a password reset email"


class SignInAttempt(models.Model):
    """What the throttle (core/throttle.py) counts, for any kind of login: one attempt to sign in."""

    email = models.CharField(max_length=254, help_text="As typed, lower-cased.")
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The browser's known-device id when it carried a valid one for this email (see core/throttle.py).
    device = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class TeamSignIn(SignInAttempt):
    """One attempt to sign in to hubwire as a team user."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=20, choices=SignInOutcome.choices)

    class Meta(SignInAttempt.Meta):
        indexes = [models.Index(fields=["email", "device", "created_at"]), models.Index(fields=["ip", "created_at"])]


def new_link_token() -> str:
    """The secret of a link mailed to someone (an invitation, a reset): 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_link_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TeamInvitation(models.Model):
    """An invitation to join a workspace's team, mailed as a single-use link that expires. Only the
    link token's SHA-256 is kept. Whoever accepts chooses their own password, or signs in to the
    login they already have: no one on a team ever sets or learns another person's password."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "email"])]

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.workspace}"


class ClockShift(models.Model):
    """How far hubwire's calendar clock (core.clock.now) runs ahead of real time. Only ever set while
    the built-in sandbox is on, by its "move the clock" controls, so that a person trying hubwire can
    see a schedule (QuickBooks' export on the 5th) run without waiting for the date. One row."""

    seconds = models.FloatField(default=0)
