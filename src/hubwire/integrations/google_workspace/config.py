"""What hubwire learnt about the connected Google account when it was connected (or checked again),
kept with its connection (Connection.details["google_workspace"]); read through here so that the
card, the tab and every action agree on whether setup is complete and which domains may be used.

`role` says what the account may do: a super admin ("super_admin") is what managing users needs;
"delegated_admin" is an admin without the user-management privilege (it reads groups, not users);
"user" a plain user of the Workspace; "consumer" a personal Google account in no Workspace; ""
not checked yet (or Google could not be reached)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubwire.integrations.choices import choices_of, choices_put, choices_save
from hubwire.integrations.models import Connection, ConnectionStatus

KEY = "google_workspace"
# How long Google keeps a deleted user that can be brought back (Admin Help, "Restore a recently deleted user").
DELETED_KEPT_DAYS = 20
SUPER_ADMIN, DELEGATED_ADMIN, PLAIN_USER, CONSUMER = "super_admin", "delegated_admin", "user", "consumer"


@dataclass
class WorkspaceConfig:
    admin_email: str = ""
    primary_domain: str = ""  # the `hd` of the OpenID userinfo: the Workspace the account belongs to
    customer_id: str = ""
    role: str = ""
    # [{"name": "northwind.example", "verified": true, "primary": true}], from domains.list
    domains: list = field(default_factory=list)
    checked_at: str = ""  # ISO time of the last check
    check_error: str = ""  # why the last check could not finish (Google unreachable), in words

    @property
    def ready(self) -> bool:
        return self.role == SUPER_ADMIN

    @property
    def verified_domains(self) -> list[str]:
        return [d["name"] for d in self.domains if d.get("verified")]

    @property
    def unverified_domains(self) -> list[str]:
        return [d["name"] for d in self.domains if not d.get("verified")]

    @property
    def missing(self) -> str:
        """What keeps setup from being complete, in plain words ('' once a super admin is connected)."""
        who = self.admin_email or "The connected Google account"
        if self.role == SUPER_ADMIN:
            return ""
        if self.role == CONSUMER:
            return (f"{who} is a personal Google account that is in no Google Workspace. Reconnect with a super "
                    "admin account of your Workspace domain.")
        if self.role == DELEGATED_ADMIN:
            return (f"{who} is a delegated admin of {self.primary_domain} without the privilege to manage users. "
                    "Reconnect as a super admin (or give this admin the Users privileges in the Google Admin "
                    "console and check again).")
        if self.role == PLAIN_USER:
            return (f"{who} is a user of {self.primary_domain} but not an administrator. Reconnect as a super "
                    "admin of the domain.")
        if self.check_error:
            return f"hubwire could not check the connected account: {self.check_error} Check again."
        return "hubwire has not checked the connected account yet. Check again."

    @property
    def domain_warnings(self) -> list[str]:
        return [f"{name} is not verified: users cannot be created on it." for name in self.unverified_domains]


def config_of(connection: Connection | None) -> WorkspaceConfig:
    return choices_of(connection, KEY, WorkspaceConfig)


def config_put(connection: Connection, config: WorkspaceConfig) -> None:
    """Set on the row without saving (after_connect: the connect flow saves it)."""
    choices_put(connection, KEY, config)


def config_save(connection: Connection, config: WorkspaceConfig) -> None:
    choices_save(connection, KEY, config)


def connection_of(workspace) -> Connection | None:
    """The workspace's Google Workspace connection row in any state, or None: one indexed query."""
    return Connection.objects.select_related("workspace").filter(workspace=workspace, provider=KEY, mode="").first()


def ready_connection(workspace) -> Connection | None:
    """The connection when it is active and a super admin's (users can be managed), else None."""
    connection = connection_of(workspace)
    if connection is None or connection.status != ConnectionStatus.ACTIVE or not config_of(connection).ready:
        return None
    return connection
