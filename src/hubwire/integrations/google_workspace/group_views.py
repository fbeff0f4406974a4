"""View Groups: the domain's groups (from the mirror, paged and searchable), Refresh, Create group,
a group's page (its members read from Google when opened; add several with a dry run first,
remove, change a role) and Delete group (a page that says what goes and asks for the address).

Any member of the workspace may look; only owners and admins change anything (the mutating views
are workspace_required(manage=True)). A group is found in the signed-in workspace's own mirror, so
another workspace's group is a 404. Google's refusals are shown in words on the page, never a 500."""

from __future__ import annotations

import httpx
from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.tenancy import get_scoped
from hubwire.integrations.google_workspace import groups as groups_service
from hubwire.integrations.google_workspace import groups_members, groups_plan
from hubwire.integrations.google_workspace.api import directory_api
from hubwire.integrations.google_workspace.config import config_of, connection_of, ready_connection
from hubwire.integrations.google_workspace.group_models import MemberRole, WorkspaceGroup, WorkspaceGroupMember
from hubwire.integrations.http import ProviderError
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.sync.models import Trigger
from hubwire.sync.runs import sync_run

KEY = "google_workspace"
# What calling Google from a page can meet, said in words rather than a 500.
CALL_PROBLEMS = (ProviderError, NeedsReconnect, httpx.HTTPError)


def _problem_words(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPError):
        return f"Google Workspace did not answer ({type(exc).__name__}). Try again in a moment."
    return str(exc)


def _not_ready_words(workspace) -> str:
    connection = connection_of(workspace)
    if connection is None:
        return "Connect Google Workspace first (as a super admin of your domain) to manage its groups."
    return config_of(connection).missing or "Google Workspace needs attention: reconnect it on its tab."


def _ready(request):
    """The workspace's usable connection, or None (the page then says why)."""
    return ready_connection(request.workspace)


def _group(request, connection, group_id: int) -> WorkspaceGroup:
    group = get_scoped(WorkspaceGroup, request.workspace, group_id)
    if group.connection_id != connection.pk:  # a row left from an earlier connection
        raise Http404("No group matches the given query.")
    return group


def _groups_url() -> str:
    return reverse("integrations:google_workspace_groups")


# --- the list --------------------------------------------------------------------------------------

@require_safe
@workspace_required
def groups(request):
    connection = _ready(request)
    if connection is None:
        return render(request, "google_workspace/groups.html", {"problem": _not_ready_words(request.workspace)})
    search = request.GET.get("q", "")
    context = {"groups_page": groups_service.groups_page(connection, search=search,
                                                           page_number=request.GET.get("page")),
               "q": search, "last_refreshed": groups_service.last_refreshed(connection),
               "can_manage": request.membership.can_manage}
    return render(request, "google_workspace/groups.html", context)


@require_POST
@workspace_required(manage=True)
def groups_refresh(request):
    """Read every group from Google now (recorded as a sync run, so the sync panel shows it)."""
    connection = _ready(request)
    if connection is None:
        flash.error(request, _not_ready_words(request.workspace))
        return redirect(_groups_url())
    try:
        with sync_run(workspace=request.workspace, provider=KEY, what="group", trigger=Trigger.BUTTON) as run:
            with directory_api(connection) as api:
                counts = groups_service.refresh_groups(connection, api)
            run.created, run.updated, run.removed = counts.added, counts.changed, counts.removed
    except CALL_PROBLEMS as exc:
        flash.error(request, f"hubwire could not read your groups: {_problem_words(exc)}")
    else:
        flash.success(request, f"Refreshed: {counts}.")
    return redirect(_groups_url())


# --- creating a group ------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@workspace_required(manage=True)
def group_new(request):
    connection = _ready(request)
    if connection is None:
        return render(request, "google_workspace/group_new.html", {"problem": _not_ready_words(request.workspace)},
                      status=409 if request.method == "POST" else 200)
    domains = config_of(connection).verified_domains
    context = {"domains": domains, "posted": request.POST if request.method == "POST" else {}}
    if request.method == "GET":
        return render(request, "google_workspace/group_new.html", context)
    try:
        with directory_api(connection) as api:
            group = groups_service.group_create(connection, api, email=request.POST.get("email", ""),
                                                name=request.POST.get("name", ""),
                                                description=request.POST.get("description", ""),
                                                domains=domains, actor=request.user)
    except FieldError as exc:
        return render(request, "google_workspace/group_new.html", {**context, "errors": exc.errors}, status=422)
    except CALL_PROBLEMS as exc:
        return render(request, "google_workspace/group_new.html",
                      {**context, "call_error": f"The group was not made: {_problem_words(exc)}"}, status=502)
    flash.success(request, f"Group {group.email} created in Google Workspace.")
    return redirect("integrations:google_workspace_group", group_id=group.pk)


# --- one group -------------------------------------------------------------------------------------

def _group_page(request, group: WorkspaceGroup, *, status: int = 200, **extra):
    context = {"group": group, "members_page": groups_members.members_page(group, request.GET.get("page")),
               "roles": MemberRole.choices, "can_manage": request.membership.can_manage,
               "add_role": MemberRole.MEMBER, **extra}
    return render(request, "google_workspace/group.html", context, status=status)


@require_safe
@workspace_required
def group(request, group_id: int):
    """The group and its members. Opening it (its first page) reads the members from Google, so the
    page shows Google's list; the pager pages through what that read stored."""
    connection = _ready(request)
    if connection is None:
        raise Http404(_not_ready_words(request.workspace))
    found = _group(request, connection, group_id)
    read_error = ""
    if not request.GET.get("page"):
        try:
            with directory_api(connection) as api:
                groups_members.members_read(found, api)
        except CALL_PROBLEMS as exc:
            read_error = f"hubwire could not read the members from Google just now: {_problem_words(exc)}"
    return _group_page(request, found, read_error=read_error)


@require_POST
@workspace_required(manage=True)
def group_members_add(request, group_id: int):
    """First submit: the dry run (each address and what will happen; nothing sent). With confirm=1
    (the dry run's Confirm button, carrying the same text): each address sent, each with its result."""
    connection = _ready(request)
    if connection is None:
        raise Http404(_not_ready_words(request.workspace))
    found = _group(request, connection, group_id)
    text, role = request.POST.get("addresses", ""), request.POST.get("role", MemberRole.MEMBER)
    form = {"add_text": text, "add_role": role}
    errors = groups_plan.plan_errors(text, role)
    if errors:
        return _group_page(request, found, status=422, add_errors=errors, **form)
    planned = groups_plan.plan(found, text, role, domains=[d["name"] for d in config_of(connection).domains])
    if request.POST.get("confirm") != "1":
        return _group_page(request, found, preview=planned, **form)
    try:
        with directory_api(connection) as api:
            results = groups_members.members_add(found, api, planned, actor=request.user)
    except CALL_PROBLEMS as exc:  # the connection itself failed (e.g. needs reconnecting), not one member
        return _group_page(request, found, status=502, add_call_error=_problem_words(exc), **form)
    return _group_page(request, found, results=results, added=sum(r.outcome == "added" for r in results))


@require_http_methods(["GET", "POST"])
@workspace_required(manage=True)
def group_delete(request, group_id: int):
    connection = _ready(request)
    if connection is None:
        raise Http404(_not_ready_words(request.workspace))
    found = _group(request, connection, group_id)
    if request.method == "GET":
        return render(request, "google_workspace/group_delete.html", {"group": found, "errors": {}})
    try:
        with directory_api(connection) as api:
            words = groups_service.group_delete(found, api, confirm=request.POST.get("confirm", ""),
                                                actor=request.user)
    except FieldError as exc:
        return render(request, "google_workspace/group_delete.html", {"group": found, "errors": exc.errors},
                      status=422)
    except CALL_PROBLEMS as exc:
        return render(request, "google_workspace/group_delete.html",
                      {"group": found, "errors": {"__all__": f"The group was not deleted: {_problem_words(exc)}"}},
                      status=502)
    flash.success(request, words)
    return redirect(_groups_url())


def _member(request, group_id: int, member_id: int):
    connection = _ready(request)
    if connection is None:
        raise Http404(_not_ready_words(request.workspace))
    found = _group(request, connection, group_id)
    member = get_scoped(WorkspaceGroupMember, request.workspace, member_id)
    if member.group_id != found.pk:
        raise Http404("No member of this group matches the given query.")
    return connection, found, member


def _back_to(found: WorkspaceGroup):
    return redirect(reverse("integrations:google_workspace_group", args=[found.pk]) + "?page=1")


@require_POST
@workspace_required(manage=True)
def group_member_remove(request, group_id: int, member_id: int):
    connection, found, member = _member(request, group_id, member_id)
    try:
        with directory_api(connection) as api:
            flash.success(request, groups_members.member_remove(member, api, actor=request.user))
    except CALL_PROBLEMS as exc:
        flash.error(request, f"{member.email} was not removed: {_problem_words(exc)}")
    return _back_to(found)


@require_POST
@workspace_required(manage=True)
def group_member_role(request, group_id: int, member_id: int):
    connection, found, member = _member(request, group_id, member_id)
    role = request.POST.get("role", "")
    if role not in MemberRole.values:
        return _group_page(request, found, status=422,
                           role_errors={member.pk: f"Choose one of {', '.join(r.label.lower() for r in MemberRole)}."})
    try:
        with directory_api(connection) as api:
            flash.success(request, groups_members.member_role_change(member, api, role, actor=request.user))
    except CALL_PROBLEMS as exc:
        flash.error(request, f"The role of {member.email} was not changed: {_problem_words(exc)}")
    return _back_to(found)
