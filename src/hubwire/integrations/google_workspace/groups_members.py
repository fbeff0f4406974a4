"""A group's members: read from Google (members.list, every page) into the mirror when the group is
opened, and changed one call per member: add (members.insert), remove (members.delete), change a
role (members.patch). Each change is in the audit log.

One bad member never fails the rest (the failure GAM and authentik are known for): adding several
sends each address on its own and gives each its own result in words. Quota errors are retried by
DirectoryApi with a backoff; one that outlasts those retries is that member's result ("not added,
try again"), and the next address is still sent."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import batched
from urllib.parse import quote

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hubwire.core.audit import audit_record, audit_words
from hubwire.integrations.google_workspace.api import KEY, Duplicate, Forbidden, NoAnswer, NotFound, while_not_visible
from hubwire.integrations.google_workspace.group_models import (ROLE_RANK, MemberRole, WorkspaceGroup,
                                                                WorkspaceGroupMember)
from hubwire.integrations.google_workspace.groups_plan import PlannedMember, Will
from hubwire.integrations.google_workspace.models import DirectoryUser
from hubwire.integrations.http import ProviderError

# members.list: "Maximum number of results to return. Max allowed value is 200." (admin.directory_v1.json)
LIST_PAGE_SIZE = 200

audit_words({"google_workspace_member_added": "Member added to a Google group",
             "google_workspace_member_removed": "Member removed from a Google group",
             "google_workspace_member_role_changed": "Role changed in a Google group"})


class Outcome:
    ADDED = "added"
    ALREADY = "already"
    NO_SUCH_USER = "no_user"
    INVALID = "invalid"
    FAILED = "failed"

    GOOD = {ADDED, ALREADY}


@dataclass
class MemberResult:
    email: str
    role: str
    outcome: str
    words: str

    @property
    def ok(self) -> bool:
        return self.outcome in Outcome.GOOD


def _path(group: WorkspaceGroup, member_key: str = "") -> str:
    base = f"/groups/{quote(group.google_id, safe='')}/members"
    return f"{base}/{quote(member_key, safe='@')}" if member_key else base


def _row_fields(resource: dict) -> dict:
    role = str(resource.get("role") or MemberRole.MEMBER)
    return {"google_id": str(resource.get("id") or "")[:64], "role": role,
            "role_rank": ROLE_RANK.get(role, ROLE_RANK[MemberRole.MEMBER]),
            "type": str(resource.get("type") or "USER")[:10], "status": str(resource.get("status") or "")[:20]}


def members_read(group: WorkspaceGroup, api) -> int:
    """Replace the mirror of `group`'s members with what Google lists now (every page; a page's
    members written in one statement). Returns how many there are."""
    started = timezone.now()
    count = 0
    for batch in batched(api.pages(_path(group), "members", {"maxResults": LIST_PAGE_SIZE}), LIST_PAGE_SIZE):
        seen_at = timezone.now()
        rows = [WorkspaceGroupMember(workspace_id=group.workspace_id, group=group, read_at=seen_at,
                                     email=str(m.get("email") or "").lower(), **_row_fields(m))
                for m in batch if m.get("email")]
        WorkspaceGroupMember.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["group", "email"],
            update_fields=["google_id", "role", "role_rank", "type", "status", "read_at"])
        count += len(rows)
    with transaction.atomic():
        WorkspaceGroupMember.objects.filter(group=group, read_at__lt=started).delete()
        WorkspaceGroup.objects.filter(pk=group.pk).update(direct_members_count=count, members_read_at=timezone.now())
    group.direct_members_count, group.members_read_at = count, timezone.now()
    return count


def _mirror_member(group: WorkspaceGroup, email: str, resource: dict) -> None:
    WorkspaceGroupMember.objects.update_or_create(
        group=group, email=email,
        defaults={"workspace_id": group.workspace_id, "read_at": timezone.now(), **_row_fields(resource)})


def _recount(group: WorkspaceGroup) -> None:
    """The group's count of direct members, from the mirror (after hubwire's own changes)."""
    count = WorkspaceGroup.objects.filter(pk=group.pk).annotate(n=Count("members")).values_list("n", flat=True).get()
    WorkspaceGroup.objects.filter(pk=group.pk).update(direct_members_count=count)
    group.direct_members_count = count


# --- adding ----------------------------------------------------------------------------------------

def members_add(group: WorkspaceGroup, api, planned: list[PlannedMember], *, actor=None) -> list[MemberResult]:
    """Apply the dry run: each address that could be a member is sent on its own; every planned
    address gets a result, in the order typed. Nothing here raises for one member."""
    results = []
    for item in planned:
        if not item.sent:
            outcome = Outcome.ALREADY if item.will in (Will.ALREADY, Will.REPEATED) else Outcome.INVALID
            results.append(MemberResult(item.email, item.role, outcome, item.words))
            continue
        results.append(_add_one(group, api, item.email, item.role, actor=actor))
    _recount(group)
    return results


def _add_one(group: WorkspaceGroup, api, email: str, role: str, *, actor) -> MemberResult:
    label = MemberRole(role).label.lower()
    # A user hubwire's mirror holds may be one just created, which Google still answers 404 for.
    just_created = DirectoryUser.objects.filter(connection_id=group.connection_id, primary_email=email).exists()

    def send():
        return api.request("POST", _path(group), json={"email": email, "role": role})

    try:
        resource = (while_not_visible(send) if just_created else send()) or {}
    except Duplicate:
        _mirror_existing(group, api, email)
        return MemberResult(email, role, Outcome.ALREADY, "Already a member: left as is.")
    except NotFound as exc:
        if "groupKey" in str(exc):
            return MemberResult(email, role, Outcome.FAILED, "The group no longer exists in Google: not added.")
        return MemberResult(email, role, Outcome.NO_SUCH_USER,
                            "No such user or group in your Workspace (Google does not know this address): not added.")
    except NoAnswer:
        resource = _found_after_lost_answer(group, api, email)
        if resource is None:
            return MemberResult(email, role, Outcome.FAILED, "Google did not answer in time, and the address is not "
                                                             "in the group: not added. Try again.")
    except Forbidden as exc:
        return MemberResult(email, role, Outcome.FAILED, f"Google refused: {exc}")
    except ProviderError as exc:
        if exc.retryable:
            return MemberResult(email, role, Outcome.FAILED, f"Not added: {exc} Add it again in a moment.")
        if exc.status == 400:
            return MemberResult(email, role, Outcome.INVALID, f"Google refused this address: {exc}")
        return MemberResult(email, role, Outcome.FAILED, f"Not added: {exc}")
    _mirror_member(group, email, resource)
    audit_record(workspace=group.workspace, actor=actor, action="google_workspace_member_added",
                 subject=KEY, detail=f"{email} added to {group.email} as {label}")
    return MemberResult(email, role, Outcome.ADDED, f"Added as {label}.")


def _member_get(group: WorkspaceGroup, api, email: str) -> dict | None:
    try:
        return api.request("GET", _path(group, email))
    except NotFound:
        return None


def _found_after_lost_answer(group: WorkspaceGroup, api, email: str) -> dict | None:
    """After a timeout: the member if Google holds it now (the insert landed), else None."""
    try:
        return _member_get(group, api, email)
    except ProviderError:
        return None


def _mirror_existing(group: WorkspaceGroup, api, email: str) -> None:
    """Google says the address is a member already: mirror it as Google holds it (best effort: the
    result shown is Google's 409 whatever this read says)."""
    try:
        resource = _member_get(group, api, email)
    except ProviderError:
        return
    if resource:
        _mirror_member(group, email, resource)


# --- removing and changing a role ------------------------------------------------------------------

def member_remove(member: WorkspaceGroupMember, api, *, actor=None) -> str:
    """Remove the member from the group in Google (one already gone counts as removed), then from
    the mirror. Returns what happened, in words. Raises ProviderError when Google refuses."""
    group = member.group
    try:
        api.request("DELETE", _path(group, member.email))
        words = f"{member.email} was removed from {group.email}."
    except NotFound as exc:
        if "groupKey" in str(exc):
            raise
        words = f"{member.email} was no longer in {group.email}."
    member.delete()
    _recount(group)
    audit_record(workspace=group.workspace, actor=actor, action="google_workspace_member_removed",
                 subject=KEY, detail=f"{member.email} removed from {group.email}")
    return words


def member_role_change(member: WorkspaceGroupMember, api, role: str, *, actor=None) -> str:
    """Give the member another role (members.patch), then mirror Google's answer. Raises
    ProviderError when Google refuses, ValueError for a role Google has no word for."""
    if role not in MemberRole.values:
        raise ValueError(f"Choose one of {', '.join(r.label.lower() for r in MemberRole)}.")
    group, before = member.group, member.role
    if role == before:
        return f"{member.email} is already {MemberRole(role).label.lower()}."
    resource = api.request("PATCH", _path(group, member.email), json={"role": role}) or {}
    # Google answers with the Member resource; what it leaves out stays as the mirror had it.
    fields = _row_fields({"id": member.google_id, "type": member.type, "status": member.status, "role": role,
                          **{k: v for k, v in resource.items() if v}})
    for name, value in fields.items():
        setattr(member, name, value)
    member.read_at = timezone.now()
    member.save()
    detail = (f"{member.email} in {group.email}: {MemberRole(before).label.lower()} → "
              f"{MemberRole(role).label.lower()}")
    audit_record(workspace=group.workspace, actor=actor, action="google_workspace_member_role_changed",
                 subject=KEY, detail=detail)
    return f"{member.email} is now {MemberRole(role).label.lower()} of {group.email}."


def members_page(group: WorkspaceGroup, page_number, per_page: int = 50):
    """A page of the mirrored members: owners, then managers, then members, by address (indexed)."""
    from hubwire.core.query import BoundedPaginator

    members = WorkspaceGroupMember.objects.filter(group=group).order_by("role_rank", "email", "pk")
    return BoundedPaginator(members, per_page).get_page(page_number)
