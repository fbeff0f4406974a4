"""What the sandbox Google Workspace keeps: the customer (one Workspace account), its domains, users,
groups and group members, each user's requests of the last minute (throttle.py), and the failures
a test asked for (faults.py). Emails are kept lower-cased, as Google answers them; the sort keys
of users.list (orderBy email, familyName, givenName; "ignoring case") are columns of their own,
each with an index that starts with the customer, so a page is one index range scan."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F


class Customer(models.Model):
    customer_id = models.CharField(max_length=20, unique=True, help_text="e.g. C03az79cb")
    new_user_delay_seconds = models.FloatField(
        null=True, blank=True,
        help_text="How long a new user reads as 404 (workspace-new-user-delay); blank: the setting.")
    created_at = models.DateTimeField()


class Domain(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=255, unique=True)
    verified = models.BooleanField(default=False)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField()


class DirectoryUser(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="users")
    user_id = models.CharField(max_length=30, unique=True, help_text="Google's immutable numeric id.")
    primary_email = models.CharField(max_length=255, unique=True)
    domain = models.CharField(max_length=255, help_text="The domain part of primary_email.")
    given_name = models.CharField(max_length=60)
    family_name = models.CharField(max_length=60)
    given_key = models.CharField(max_length=60, help_text="given_name lower-cased: the orderBy=givenName key.")
    family_key = models.CharField(max_length=60, help_text="family_name lower-cased: the orderBy=familyName key.")
    password_hash = models.CharField(max_length=200, blank=True,
                                     help_text="Never the password: pbkdf2 of it, or the hash the client sent.")
    is_admin = models.BooleanField(default=False)
    admin_privileges = models.CharField(
        max_length=100, blank=True,
        help_text="A delegated admin's privileges, comma-separated (e.g. 'groups'); blank for none.")
    suspended = models.BooleanField(default=False)
    suspension_reason = models.CharField(max_length=40, blank=True)
    archived = models.BooleanField(default=False)
    change_password_at_next_login = models.BooleanField(default=False)
    enrolled_in_2sv = models.BooleanField(default=False)
    org_unit_path = models.CharField(max_length=255, default="/")
    last_login_at = models.DateTimeField(null=True, blank=True, help_text="None: never signed in.")
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1, help_text="Bumped at each write; the etag comes from it.")
    aliases = models.JSONField(default=list)
    extra = models.JSONField(default=dict, help_text="Fields kept as given (phones, addresses, recoveryEmail…).")

    class Meta:
        indexes = [models.Index(fields=["customer", "primary_email"], name="gws_user_by_email"),
                   models.Index(fields=["customer", "family_key", "id"], name="gws_user_by_family"),
                   models.Index(fields=["customer", "given_key", "id"], name="gws_user_by_given"),
                   models.Index(fields=["domain", "primary_email"], name="gws_user_domain_email"),
                   models.Index(fields=["domain", "family_key", "id"], name="gws_user_domain_family"),
                   models.Index(fields=["domain", "given_key", "id"], name="gws_user_domain_given")]

    @property
    def is_delegated_admin(self) -> bool:
        return bool(self.admin_privileges)

    def may(self, privilege: str) -> bool:
        """Whether this user, calling the Directory API, holds `privilege` ("users", "groups", "domains")."""
        return self.is_admin or privilege in self.admin_privileges.split(",")


class Group(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="groups")
    group_id = models.CharField(max_length=30, unique=True)
    email = models.CharField(max_length=255, unique=True)
    domain = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    admin_created = models.BooleanField(default=True)
    direct_members_count = models.PositiveIntegerField(default=0, help_text="Kept with each member added or removed.")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["customer", "email"], name="gws_group_by_email"),
                   models.Index(fields=["domain", "email"], name="gws_group_domain_email")]


class Member(models.Model):
    """One direct member of a group: a user or a group of the customer, or an address elsewhere."""

    USER, GROUP, EXTERNAL = "USER", "GROUP", "EXTERNAL"
    ROLES = ("OWNER", "MANAGER", "MEMBER")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    email = models.CharField(max_length=255)
    member_id = models.CharField(max_length=30)
    kind = models.CharField(max_length=10)
    role = models.CharField(max_length=10, default="MEMBER")
    user = models.ForeignKey(DirectoryUser, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    member_group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="memberships")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "email"], name="gws_member_unique")]
        indexes = [models.Index(fields=["group", "role", "email"], name="gws_member_by_role")]


class DeletedUser(models.Model):
    """A user deleted in the last 20 days, which users.undelete can bring back (deleted.py). The live
    row is gone at once (every read of users stays as it was); this keeps what it was, as the
    DirectoryUser's serialized fields, until the retention ends."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="deleted_users")
    user_id = models.CharField(max_length=30, unique=True)
    primary_email = models.CharField(max_length=255)
    deleted_at = models.DateTimeField()
    row = models.JSONField(encoder=DjangoJSONEncoder,
                           help_text="The DirectoryUser as Django's serializer writes it (fields and pk).")

    class Meta:
        indexes = [models.Index(fields=["customer", "primary_email"], name="gws_deleted_by_email")]


def delete_leaving_groups(row: DirectoryUser | Group) -> None:
    """Delete a user or a group, and take it out of the groups it was a direct member of: their
    directMembersCount goes down with it (users.delete, groups.delete)."""
    with transaction.atomic(using="sandbox"):
        groups = list(row.memberships.values_list("group_id", flat=True))
        Group.objects.filter(pk__in=groups).update(direct_members_count=F("direct_members_count") - 1,
                                                   version=F("version") + 1)
        row.delete()


class UserRequests(models.Model):
    """One caller's Directory requests in the last minute of the sandbox clock, per second:
    {"<epoch second>": count} (throttle.py). One row per caller, locked while counting."""

    email = models.CharField(max_length=255, unique=True)
    seconds = models.JSONField(default=dict)


class InjectedFailure(models.Model):
    """workspace-fail-next (status set) and workspace-slow-next (delay set): the next `remaining`
    Directory calls with this method (blank: any) whose path contains `path_contains`."""

    status = models.PositiveSmallIntegerField(default=0, help_text="0: answer normally, `delay_seconds` late.")
    reason = models.CharField(max_length=40, blank=True)
    delay_seconds = models.FloatField(default=0)
    method = models.CharField(max_length=10, blank=True)
    path_contains = models.CharField(max_length=200, blank=True)
    remaining = models.PositiveIntegerField(default=1)
