"""Recently deleted users, brought back. Google keeps a deleted user for 20 days, and until then a
super admin may undelete it (users.undelete); after that it is gone for good.

The list is read from Google when its page is opened (users.list?showDeleted=true, a page of 100
at a time): a user deleted in Google's Admin console is as deletable as one deleted here, and the
mirror keeps no trace of a deleted user. Bringing one back is users.undelete on its immutable id,
then the user read back into the mirror, and the audit log says who did it. A lost answer is
checked by reading the user: there, it is done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.utils.dateparse import parse_datetime

from hubwire.core.audit import audit_record, audit_words
from hubwire.integrations.google_workspace.api import Duplicate, NoAnswer, NotFound, directory_api
from hubwire.integrations.google_workspace.config import DELETED_KEPT_DAYS, KEY
from hubwire.integrations.google_workspace.create import read_when_visible
from hubwire.integrations.google_workspace.manage import Done
from hubwire.integrations.google_workspace.users import mirror_put

PAGE_SIZE = 100

audit_words({"google_workspace_user_undeleted": "Google Workspace user brought back after deletion"})


class CannotBringBack(Exception):
    """Google refused: the user is no longer kept, or its address belongs to someone else now."""


@dataclass(frozen=True)
class DeletedUser:
    google_id: str
    email: str
    name: str
    deleted_at: datetime | None


def deleted_page(connection, token: str = "") -> tuple[list[DeletedUser], str]:
    """One page of the users deleted in the last 20 days, by address, and the next page's token ("")."""
    params = {"customer": "my_customer", "showDeleted": "true", "orderBy": "email", "maxResults": PAGE_SIZE}
    if token:
        params["pageToken"] = token
    with directory_api(connection) as directory:
        answer = directory.request("GET", "/users", params=params) or {}
    users = [DeletedUser(google_id=str(user["id"]), email=user.get("primaryEmail", ""),
                         name=(user.get("name") or {}).get("fullName", ""),
                         deleted_at=parse_datetime(user.get("deletionTime") or ""))
             for user in answer.get("users", []) if user.get("id")]
    return users, answer.get("nextPageToken", "")


def _read(directory, path: str) -> dict | None:
    try:
        return directory.request("GET", path, params={"viewType": "admin_view"})
    except NotFound:
        return None


def user_undelete(*, workspace, actor, connection, google_id: str) -> Done:
    """Bring the deleted user back (CannotBringBack when Google will not), into the mirror too."""
    path = f"/users/{quote(google_id, safe='')}"
    with directory_api(connection) as directory:
        user = None
        try:
            directory.request("POST", f"{path}/undelete", json={})
        except Duplicate:
            raise CannotBringBack("Another user or group has this user's address now. Rename or delete it in "
                                  "Google Workspace first, then bring this user back.") from None
        except NotFound:  # not kept any more, or not deleted: back already (brought back meanwhile)
            if (user := _read(directory, path)) is None:
                raise CannotBringBack(f"Google no longer keeps this user: a deleted user can be brought back "
                                      f"only within {DELETED_KEPT_DAYS} days of its deletion.") from None
        except NoAnswer:  # it may have landed: if the user reads back, it did
            if (user := read_when_visible(directory, google_id)) is None:
                raise
        user = user or read_when_visible(directory, google_id)
    if user is None:
        raise NoAnswer("Google Workspace brought the user back but does not show it yet; refresh the members "
                       "list in a minute.", status=None)
    row = mirror_put(connection, user)
    audit_record(workspace=workspace, actor=actor, action="google_workspace_user_undeleted", subject=KEY,
                 detail=row.primary_email)
    return Done(f"{row.primary_email} is back in Google Workspace.", row)
