"""The local mirror of the domain's users (issue 21, item 2): one row per Google user of the
connected account, as users.list last showed it (users.py's sync pass) or as Google answered one
of hubwire's own changes (manage.py). The Members page reads only these rows, so it stays fast
however large the domain, and says when the mirror was last refreshed.

Rows are keyed on Google's immutable user id, not the address: an address can be renamed."""

from django.db import models
from django.utils import timezone

from hubwire.core.models import Workspace


class UserStatus(models.TextChoices):
    """What the Members page calls a user's state (from suspended / archived / lastLoginTime)."""

    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ARCHIVED = "archived", "Archived"
    PENDING = "pending", "Pending first sign-in"


class DirectoryUser(models.Model):
    """One user of the connected Workspace domain."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey("integrations.Connection", on_delete=models.CASCADE, related_name="+")
    google_id = models.CharField(max_length=64, help_text="Google's immutable user id.")
    primary_email = models.CharField(max_length=254, help_text="Lower case, as compared and searched.")
    given_name = models.CharField(max_length=60, blank=True)
    family_name = models.CharField(max_length=60, blank=True)
    full_name = models.CharField(max_length=200, blank=True)
    # Lower-case copies the search matches by prefix, through an index: "ann" finds Ann Lee and Li Anna's address.
    given_key = models.CharField(max_length=60, blank=True)
    family_key = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=UserStatus.choices, default=UserStatus.ACTIVE)
    suspension_reason = models.CharField(max_length=40, blank=True, help_text="Google's suspensionReason (ADMIN, …).")
    is_admin = models.BooleanField(default=False, help_text="A super admin (isAdmin).")
    is_delegated_admin = models.BooleanField(default=False)
    two_sv_enrolled = models.BooleanField(default=False)
    two_sv_enforced = models.BooleanField(default=False)
    last_login_at = models.DateTimeField(null=True, blank=True, help_text="None: never signed in.")
    created_in_google_at = models.DateTimeField(null=True, blank=True)
    org_unit_path = models.CharField(max_length=255, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now, help_text="When Google last told hubwire about it.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "google_id"], name="gws_one_row_per_user")]
        indexes = [
            # The page's order (address) and each of its filters and prefix searches, within one connection.
            models.Index(fields=["connection", "primary_email"], name="gws_users_by_email"),
            models.Index(fields=["connection", "status", "primary_email"], name="gws_users_by_status"),
            models.Index(fields=["connection", "is_admin", "primary_email"], name="gws_users_by_admin"),
            models.Index(fields=["connection", "given_key"], name="gws_users_by_given"),
            models.Index(fields=["connection", "family_key"], name="gws_users_by_family"),
            # The sync pass removes the rows a clean read did not refresh.
            models.Index(fields=["connection", "refreshed_at"], name="gws_users_by_refresh"),
        ]

    def __str__(self) -> str:
        return self.primary_email

    @property
    def name(self) -> str:
        return self.full_name or f"{self.given_name} {self.family_name}".strip()

    @property
    def local_part(self) -> str:
        return self.primary_email.partition("@")[0]

    @property
    def domain(self) -> str:
        return self.primary_email.partition("@")[2]


from hubwire.integrations.google_workspace.group_models import *  # noqa: E402,F401,F403
