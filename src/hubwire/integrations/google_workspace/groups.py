"""The domain's groups: the mirror's refresh (groups.list, every page), the page's reads of it,
creating a group (groups.insert) and deleting one (groups.delete).

    with directory_api(connection) as api:
        counts = refresh_groups(connection, api)       # also called by the directory mirror's run
        group = group_create(connection, api, email=..., name=..., description=..., actor=user)
        words = group_delete(group, api, confirm=..., actor=user)

The mirror is replaced page by page: each page of 200 groups costs the same few queries (one read
of the rows it names, one insert of the new, one update of the changed), and a group Google no
longer lists is removed at the end, so the mirror is exactly what Google listed."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import batched
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hubwire.core.audit import audit_record, audit_words
from hubwire.core.errors import FieldError
from hubwire.core.query import BoundedPaginator
from hubwire.integrations.google_workspace.api import KEY, Duplicate, Forbidden, NoAnswer, NotFound
from hubwire.integrations.google_workspace.group_models import WorkspaceGroup
from hubwire.integrations.http import ProviderError

# groups.list: "Maximum number of results to return. Max allowed value is 200." (admin.directory_v1.json)
LIST_PAGE_SIZE = 200
GROUPS_PER_PAGE = 50  # the View Groups page
# Group.description: "Maximum length is 4,096 characters." (admin.directory_v1.json). A name is at
# most 75 characters in the Admin console's group form (providers.md marks it [U]); the mirror's
# column holds longer ones, should Google send them.
DESCRIPTION_MAX = 4096
NAME_MAX = 75
NAME_COLUMN = 255

# What a group row takes from Google's Group resource (_fields_of).
MIRRORED_FIELDS = ["email", "name", "name_key", "description", "direct_members_count", "etag"]

audit_words({"google_workspace_group_created": "Google group created",
             "google_workspace_group_deleted": "Google group deleted"})


@dataclass(frozen=True)
class RefreshCounts:
    listed: int
    added: int
    changed: int
    removed: int

    def __str__(self) -> str:
        return (f"{self.listed} group{'s' if self.listed != 1 else ''} in Google Workspace "
                f"({self.added} new, {self.changed} changed, {self.removed} removed)")


def _fields_of(resource: dict) -> dict:
    """The mirror's fields from a Group resource (directMembersCount is an int64 sent as a string)."""
    try:
        count = max(int(resource.get("directMembersCount") or 0), 0)
    except (TypeError, ValueError):
        count = 0
    name = str(resource.get("name") or "")[:NAME_COLUMN]
    return {"email": str(resource.get("email") or "").lower(), "name": name, "name_key": name.lower(),
            "description": str(resource.get("description") or ""), "direct_members_count": count,
            "etag": str(resource.get("etag") or "")[:200]}


def refresh_groups(connection, api) -> RefreshCounts:
    """Make the mirror of `connection`'s groups what groups.list says now (every page). A failure
    part way leaves the groups read so far refreshed and the others as they were (nothing removed)."""
    started = timezone.now()
    listed = added = changed = 0
    params = {"customer": "my_customer", "maxResults": LIST_PAGE_SIZE, "orderBy": "email"}
    for batch in batched(api.pages("/groups", "groups", params), LIST_PAGE_SIZE):
        listed += len(batch)
        new, updated = _mirror_batch(connection, batch, seen_at=timezone.now())
        added, changed = added + new, changed + updated
    gone = WorkspaceGroup.objects.filter(connection=connection, refreshed_at__lt=started)
    _, per_model = gone.delete()  # its members go with it; only the groups are counted
    return RefreshCounts(listed, added, changed, per_model.get(WorkspaceGroup._meta.label, 0))


def _mirror_batch(connection, batch: tuple[dict, ...], *, seen_at) -> tuple[int, int]:
    by_id = {str(g["id"]): g for g in batch if g.get("id")}
    with transaction.atomic():
        known = {g.google_id: g for g in WorkspaceGroup.objects.filter(connection=connection, google_id__in=by_id)}
        fresh, stale = [], []
        for google_id, resource in by_id.items():
            fields = _fields_of(resource)
            row = known.get(google_id)
            if row is None:
                fresh.append(WorkspaceGroup(workspace_id=connection.workspace_id, connection=connection,
                                            google_id=google_id, refreshed_at=seen_at, **fields))
            elif any(getattr(row, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(row, name, value)
                row.refreshed_at = seen_at
                stale.append(row)
        WorkspaceGroup.objects.bulk_create(fresh)
        WorkspaceGroup.objects.bulk_update(stale, [*MIRRORED_FIELDS, "refreshed_at"])
        # The unchanged ones were seen too: they stay when the groups no longer listed are removed.
        WorkspaceGroup.objects.filter(connection=connection, google_id__in=by_id,
                                      refreshed_at__lt=seen_at).update(refreshed_at=seen_at)
    return len(fresh), len(stale)


# --- the page's reads ------------------------------------------------------------------------------

def groups_page(connection, *, search: str = "", page_number=None) -> Page:
    """A page of the mirrored groups in address order; `search` matches the start of the address or
    of the name (both indexed with the connection)."""
    groups = WorkspaceGroup.objects.filter(connection=connection)
    text = search.strip()
    if text:
        groups = groups.filter(Q(email__startswith=text.lower()) | Q(name_key__startswith=text.lower()))
    return BoundedPaginator(groups.order_by("email", "pk"), GROUPS_PER_PAGE).get_page(page_number)


def last_refreshed(connection):
    """When groups.list was last read into the mirror (the newest row's time), or None."""
    return (WorkspaceGroup.objects.filter(connection=connection).order_by("-refreshed_at")
            .values_list("refreshed_at", flat=True).first())


# --- creating a group ------------------------------------------------------------------------------

def _checked(email: str, name: str, description: str, domains: list[str]) -> tuple[str, str, str]:
    """The create form's fields, cleaned, or a FieldError naming each bad one (nothing sent)."""
    errors: dict[str, str] = {}
    email, name, description = email.strip().lower(), name.strip(), description.strip()
    if not email:
        errors["email"] = "Type the group's address, e.g. sales@" + (domains[0] if domains else "your-domain.com") + "."
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = f"“{email}” is not an email address."
        else:
            domain = email.rsplit("@", 1)[1]
            if domain not in domains:
                verified = ", ".join(domains) or "none yet"
                errors["email"] = (f"{domain} is not one of your Workspace's verified domains ({verified}). Google "
                                   f"only makes groups on a domain the account has verified.")
    if not name:
        errors["name"] = "Give the group a name people will recognise, e.g. Sales team."
    elif len(name) > NAME_MAX:
        errors["name"] = f"At most {NAME_MAX} characters ({len(name)} given)."
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"At most {DESCRIPTION_MAX:,} characters ({len(description):,} given)."
    if errors:
        raise FieldError(errors)
    return email, name, description


def group_create(connection, api, *, email: str, name: str, description: str, domains: list[str],
                 actor=None) -> WorkspaceGroup:
    """Create the group in Google, then mirror it. `domains`: the account's verified domains (the
    address must be on one, checked before sending). An address already taken is a FieldError on
    the address; a create whose answer was lost is looked up before it is believed either way."""
    email, name, description = _checked(email, name, description, domains)
    body = {"email": email, "name": name, "description": description}
    try:
        resource = api.request("POST", "/groups", json=body)
    except Duplicate:
        raise FieldError(email=f"That address is taken: {email} is already a group, user or alias in your "
                               f"Workspace. Choose another.") from None
    except Forbidden as exc:
        raise FieldError(email=f"Google refused to make {email}: {exc}") from None
    except NoAnswer:
        resource = _made_by_us(api, email, name)
    except ProviderError as exc:
        if exc.status == 400:
            raise FieldError(email=f"Google refused this group: {exc}") from None
        raise
    group = _mirror_one(connection, resource)
    audit_record(workspace=connection.workspace, actor=actor, action="google_workspace_group_created",
                 subject=KEY, detail=f"{email} (“{name}”)")
    return group


def _made_by_us(api, email: str, name: str) -> dict:
    """After a lost answer: the group, if Google holds one at this address with the name we sent
    (so it is the one we made); otherwise the lost answer is the error."""
    try:
        resource = api.request("GET", f"/groups/{quote(email, safe='@')}")
    except NotFound:
        raise ProviderError(f"Google did not answer in time and has no group {email}: it was not made. "
                            f"Try again.", retryable=True) from None
    if (resource or {}).get("name") != name:
        raise FieldError(email=f"That address is taken: {email} is already a group in your Workspace.")
    return resource


def _mirror_one(connection, resource: dict) -> WorkspaceGroup:
    fields = _fields_of(resource)
    group, _ = WorkspaceGroup.objects.update_or_create(
        connection=connection, google_id=str(resource["id"]),
        defaults={"workspace_id": connection.workspace_id, "refreshed_at": timezone.now(), **fields})
    return group


# --- deleting a group ------------------------------------------------------------------------------

def group_delete(group: WorkspaceGroup, api, *, confirm: str, actor=None) -> str:
    """Delete the group in Google, then from the mirror (its members' rows with it); what to say.
    `confirm` must repeat the address (the confirmation page asks for it). The members' accounts
    stay: only the group's address and its membership go. A group already gone from Google leaves
    the mirror all the same, so a delete whose answer was lost and that hubwire's HTTP module sent
    again (a DELETE may be repeated) is done when the repeat reads 404."""
    if confirm.strip().lower() != group.email:
        raise FieldError(confirm=f"Type {group.email} to confirm.")
    try:
        api.request("DELETE", f"/groups/{quote(group.google_id, safe='')}")
    except NotFound:
        pass  # already gone from Google: the mirror follows
    group.delete()
    audit_record(workspace=group.workspace, actor=actor, action="google_workspace_group_deleted", subject=KEY,
                 detail=f"{group.email} (“{group.name}”)")
    return f"Group {group.email} is deleted from Google Workspace."
