"""The local mirror of the domain's groups (imported by models.py, so that Django finds them).

A group row is what groups.list last said about it (refreshed as a whole by groups.refresh_groups);
its members are read from Google when someone opens the group, and kept here so that the group's
page pages through them without asking Google again. Rows are keyed on Google's immutable id, not
the address, since a group's address can be renamed in the Admin console."""

from django.db import models
from django.utils import timezone

from hubwire.core.models import Workspace

__all__ = ["MemberRole", "MemberType", "ROLE_RANK", "WorkspaceGroup", "WorkspaceGroupMember"]


class MemberRole(models.TextChoices):
    """A member's role in a group (Member.role, admin.directory_v1.json)."""

    OWNER = "OWNER", "Owner"
    MANAGER = "MANAGER", "Manager"
    MEMBER = "MEMBER", "Member"


class MemberType(models.TextChoices):
    """What a member is (Member.type): a user of the domain, another group, the whole customer, or
    an address outside the account."""

    USER = "USER", "User"
    GROUP = "GROUP", "Group"
    CUSTOMER = "CUSTOMER", "Everyone in the organisation"
    EXTERNAL = "EXTERNAL", "Outside address"


# The group's page lists owners first, then managers, then members (alphabetical order of the
# codes would put managers first), through an index on this rank.
ROLE_RANK = {MemberRole.OWNER: 0, MemberRole.MANAGER: 1, MemberRole.MEMBER: 2}


class WorkspaceGroup(models.Model):
    """One Google group of the connected domain, as groups.list last showed it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey("integrations.Connection", on_delete=models.CASCADE, related_name="+")
    google_id = models.CharField(max_length=64, help_text="Google's immutable group id.")
    email = models.CharField(max_length=254)
    name = models.CharField(max_length=255, blank=True)
    # A lower-case copy the search matches by prefix through an index ("sal" finds "Sales team").
    name_key = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    # directMembersCount (a string in the discovery document, an int64): users and groups that are
    # direct members; members of a member group are not counted.
    direct_members_count = models.PositiveIntegerField(default=0)
    etag = models.CharField(max_length=200, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now, help_text="When groups.list last listed it.")
    members_read_at = models.DateTimeField(null=True, blank=True,
                                           help_text="When its members were last read from Google (None: never).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "google_id"], name="gws_one_row_per_group")]
        indexes = [models.Index(fields=["connection", "email"], name="gws_groups_by_email"),
                   models.Index(fields=["connection", "name_key"], name="gws_groups_by_name"),
                   models.Index(fields=["connection", "refreshed_at"], name="gws_groups_by_refresh")]

    def __str__(self) -> str:
        return self.email


class WorkspaceGroupMember(models.Model):
    """One direct member of a mirrored group, as members.list (or hubwire's own change) last said."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(WorkspaceGroup, on_delete=models.CASCADE, related_name="members")
    google_id = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, help_text="Lower case, as compared.")
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    role_rank = models.PositiveSmallIntegerField(default=ROLE_RANK[MemberRole.MEMBER])
    type = models.CharField(max_length=10, choices=MemberType.choices, default=MemberType.USER)
    status = models.CharField(max_length=20, blank=True, help_text="Google's member status (ACTIVE, …).")
    read_at = models.DateTimeField(default=timezone.now, help_text="When Google last listed it (or hubwire added it).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "email"], name="gws_one_row_per_member")]
        indexes = [models.Index(fields=["group", "role_rank", "email"], name="gws_members_in_order")]

    def __str__(self) -> str:
        return f"{self.email} in {self.group_id}"

    def save(self, *args, **kwargs):
        self.role_rank = ROLE_RANK.get(self.role, ROLE_RANK[MemberRole.MEMBER])
        super().save(*args, **kwargs)
