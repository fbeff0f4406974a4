"""Managing one user of the domain (issue 21, item 4): suspend / restore, reset the password (a
temporary one, shown once, to change at the next sign-in), make or revoke super admin, rename,
delete. Each action is one Directory call on the user's immutable id, then the mirror row is
updated from Google's answer (or removed, for a delete), and the audit log says who did what.

Nothing here is retried blindly: a PATCH sets a state, so the framework's retries of 429 and 5xx
are safe, and a 403 quota answer changed nothing (api.py waits and tries again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from hubwire.core.audit import audit_record, audit_words
from hubwire.core.errors import FieldError
from hubwire.integrations.google_workspace.api import NotFound, directory_api
from hubwire.integrations.google_workspace.config import DELETED_KEPT_DAYS, KEY
from hubwire.integrations.google_workspace.create import name_problem, read_when_visible
from hubwire.integrations.google_workspace.models import DirectoryUser
from hubwire.integrations.google_workspace.passwords import password_generate, password_problem
from hubwire.integrations.google_workspace.users import mirror_put

audit_words({
    "google_workspace_user_suspended": "Google Workspace user suspended",
    "google_workspace_user_restored": "Google Workspace user restored",
    "google_workspace_password_reset": "Google Workspace user's password reset",
    "google_workspace_admin_granted": "Google Workspace user made super admin",
    "google_workspace_admin_revoked": "Google Workspace user's super admin revoked",
    "google_workspace_user_renamed": "Google Workspace user renamed",
    "google_workspace_user_deleted": "Google Workspace user deleted",
})


class GoneFromGoogle(Exception):
    """The user no longer exists in Google (deleted elsewhere): the mirror row was removed."""


@dataclass
class Done:
    words: str
    row: DirectoryUser | None
    password: str = field(default="", repr=False)  # a reset's temporary password, shown once


def _path(row: DirectoryUser) -> str:
    return f"/users/{quote(row.google_id, safe='')}"


def _change(row: DirectoryUser, connection, changes: dict) -> DirectoryUser:
    with directory_api(connection) as directory:
        try:
            user = directory.request("PATCH", _path(row), json=changes)
        except NotFound:
            DirectoryUser.objects.filter(pk=row.pk).delete()
            raise GoneFromGoogle(f"{row.primary_email} no longer exists in Google Workspace; hubwire removed it from "
                                 "the list.") from None
    return mirror_put(connection, user)


def _audit(row: DirectoryUser, *, workspace, actor, action: str, detail: str = "") -> None:
    audit_record(workspace=workspace, actor=actor, action=action, subject=KEY,
                 detail=row.primary_email + (f": {detail}" if detail else ""))


def user_suspend(*, workspace, actor, connection, row: DirectoryUser) -> Done:
    row = _change(row, connection, {"suspended": True})
    _audit(row, workspace=workspace, actor=actor, action="google_workspace_user_suspended")
    return Done(f"{row.primary_email} is suspended: they cannot sign in, and their mail is kept.", row)


def user_restore(*, workspace, actor, connection, row: DirectoryUser) -> Done:
    row = _change(row, connection, {"suspended": False})
    _audit(row, workspace=workspace, actor=actor, action="google_workspace_user_restored")
    return Done(f"{row.primary_email} is restored: they can sign in again.", row)


def user_password_reset(*, workspace, actor, connection, row: DirectoryUser, typed: str = "") -> Done:
    """A new temporary password (typed, checked; or generated), to change at the next sign-in."""
    if typed and (problem := password_problem(typed)):
        raise FieldError(password=f"Temporary password: {problem}")
    password = typed or password_generate()
    row = _change(row, connection, {"password": password, "changePasswordAtNextLogin": True})
    _audit(row, workspace=workspace, actor=actor, action="google_workspace_password_reset",
           detail="must change it at the next sign-in")
    return Done(f"{row.primary_email} has a new temporary password; they must change it at the next sign-in.",
                row, password=password)


def user_admin_set(*, workspace, actor, connection, row: DirectoryUser, admin: bool) -> Done:
    """users.makeAdmin (status true / false), then the user read again for the mirror."""
    with directory_api(connection) as directory:
        try:
            directory.request("POST", f"{_path(row)}/makeAdmin", json={"status": admin})
        except NotFound:
            DirectoryUser.objects.filter(pk=row.pk).delete()
            raise GoneFromGoogle(f"{row.primary_email} no longer exists in Google Workspace; hubwire removed it "
                                 "from the list.") from None
        # makeAdmin answers nothing; read the user back (a user created seconds ago may still read 404).
        user = read_when_visible(directory, row.google_id)
    if user is not None:
        row = mirror_put(connection, user)
    else:
        DirectoryUser.objects.filter(pk=row.pk).update(is_admin=admin)
        row.is_admin = admin
    _audit(row, workspace=workspace, actor=actor,
           action="google_workspace_admin_granted" if admin else "google_workspace_admin_revoked")
    return Done(f"{row.primary_email} is {'now' if admin else 'no longer'} a super admin.", row)


def user_rename(*, workspace, actor, connection, row: DirectoryUser, data) -> Done:
    given, family = str(data.get("given_name") or "").strip(), str(data.get("family_name") or "").strip()
    errors = {name: words for name, words in (("given_name", name_problem(given, "First name")),
                                              ("family_name", name_problem(family, "Last name"))) if words}
    if errors:
        raise FieldError(errors)
    before = row.name
    row = _change(row, connection, {"name": {"givenName": given, "familyName": family}})
    _audit(row, workspace=workspace, actor=actor, action="google_workspace_user_renamed",
           detail=f"{before} → {row.name}")
    return Done(f"{row.primary_email} is now named {row.name}.", row)


def user_delete(*, workspace, actor, connection, row: DirectoryUser, confirm: str) -> Done:
    """Delete the user; `confirm` must repeat the address (the confirmation page asks for it)."""
    if confirm.strip().lower() != row.primary_email:
        raise FieldError(confirm=f"Type {row.primary_email} to confirm.")
    with directory_api(connection) as directory:
        try:
            directory.request("DELETE", _path(row))
        except NotFound:
            pass  # already gone from Google: the mirror follows
    DirectoryUser.objects.filter(pk=row.pk).delete()
    _audit(row, workspace=workspace, actor=actor, action="google_workspace_user_deleted")
    return Done(f"{row.primary_email} is deleted from Google Workspace. Until Google lets it go, "
                f"{DELETED_KEPT_DAYS} days from now, Recently deleted users can bring it back.", None)
