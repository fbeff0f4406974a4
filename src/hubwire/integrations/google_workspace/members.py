"""The Members page's read (issue 21, item 2): the mirror, 50 a page in address order, searched by the
start of the address, first or last name, filtered by status and admin; each row linked to the
hubwire team member with that email, or to an open invitation, in one query per page whatever its size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from hubwire.core.models import Membership
from hubwire.core.query import page_of
from hubwire.core.services import open_invitations
from hubwire.integrations.google_workspace.models import DirectoryUser, UserStatus

PER_PAGE = 50
ADMIN_FILTERS = {"": "Everyone", "yes": "Super admins", "no": "Not admins"}


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    admin: str = ""

    @classmethod
    def of(cls, params) -> Filters:
        """Unknown values are dropped (a hand-edited URL shows everyone), never an error page."""
        status = params.get("status", "")
        admin = params.get("admin", "")
        return cls(q=str(params.get("q", "")).strip().lower()[:100],
                   status=status if status in UserStatus.values else "",
                   admin=admin if admin in ADMIN_FILTERS else "")


def users_of(connection, filters: Filters):
    rows = DirectoryUser.objects.filter(connection=connection)
    if filters.q:
        rows = rows.filter(Q(primary_email__startswith=filters.q) | Q(given_key__startswith=filters.q)
                           | Q(family_key__startswith=filters.q))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.admin:
        rows = rows.filter(is_admin=filters.admin == "yes")
    return rows.order_by("primary_email", "pk")


def members_page(request, connection, filters: Filters):
    """The page of rows, each with `.team` ("member", "invited" or "") set from hubwire's team."""
    page = page_of(request, users_of(connection, filters), PER_PAGE)
    emails = [row.primary_email for row in page.object_list]
    on_team = set(Membership.objects.filter(workspace_id=connection.workspace_id, user__email__in=emails)
                  .values_list("user__email", flat=True))
    invited = set(open_invitations(connection.workspace).filter(email__in=emails).values_list("email", flat=True))
    for row in page.object_list:
        row.team = "member" if row.primary_email in {e.lower() for e in on_team} else (
            "invited" if row.primary_email in invited else "")
    return page
