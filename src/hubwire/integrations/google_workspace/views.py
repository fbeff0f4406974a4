"""Google Workspace's users pages: the tab's actions (Check again, Sync now), the Members page,
Create User (one, or several with a dry run first), and one user's page with its actions. Connect,
Reconnect and Disconnect are the framework's (integrations/views.py); the groups pages are
group_views.py.

Views stay thin: tenancy (a user row is looked up in request.workspace's connection, so another
workspace's is a 404), the role check (any member sees the list; owners and admins change users),
one service call, render. A temporary password is rendered once in the answer to the POST that set
it, never put in the session, a flash message or a redirect."""

import functools
import re

import httpx
from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.integrations.google_workspace import bulk, check, deleted, manage, members, setup
from hubwire.integrations.google_workspace.config import DELETED_KEPT_DAYS, KEY, config_of, connection_of
from hubwire.integrations.google_workspace.create import new_user_clean, user_create
from hubwire.integrations.google_workspace.models import DirectoryUser, UserStatus
from hubwire.integrations.http import ProviderError
from hubwire.integrations.tokens import NeedsReconnect

# What calling Google from a page can meet, said in words rather than a 500.
CALL_PROBLEMS = (ProviderError, NeedsReconnect, httpx.HTTPError)


def _tab():
    return redirect("integrations:tab", key=KEY)


def _ready(request):
    """The connection for a users page, or NotReady (shown as the tab with its reason)."""
    return setup.ready_or_refuse(request.workspace)


def _not_ready(request, exc):
    flash.error(request, str(exc))
    return _tab()


def with_connection(view):
    """The view is called with the workspace's ready connection after the request, or the person is
    sent to the tab, which says what is missing."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            connection = _ready(request)
        except setup.NotReady as exc:
            return _not_ready(request, exc)
        return view(request, connection, *args, **kwargs)
    return wrapped


def _row(request, user_id: int):
    connection = connection_of(request.workspace)
    if connection is None:
        raise Http404("Google Workspace is not connected in this workspace.")
    return get_object_or_404(DirectoryUser, pk=user_id, workspace=request.workspace, connection=connection)


def _groups(connection) -> dict[str, str]:
    """The mirrored groups a new user may join, address → name (empty until the groups mirror exists)."""
    from hubwire.integrations.google_workspace.group_models import WorkspaceGroup

    return dict(WorkspaceGroup.objects.filter(connection=connection).order_by("email")
                .values_list("email", "name")[:200])


# --- the tab -------------------------------------------------------------------------------------

@require_POST
@workspace_required(manage=True)
def check_again(request):
    connection = connection_of(request.workspace)
    if connection is None or connection.status not in setup.SHOWN_STATUSES:
        flash.error(request, "Google Workspace is not connected: connect it as a super admin first.")
        return _tab()
    checked = check.check_again(connection)
    if checked.ready:
        flash.success(request, f"{checked.admin_email} is a super admin: setup is complete.")
    else:
        flash.error(request, checked.missing)
    return _tab()


@require_POST
@workspace_required
def sync_now(request):
    try:
        setup.sync_now(workspace=request.workspace)
    except setup.NotReady as exc:
        return _not_ready(request, exc)
    flash.success(request, "Reading the domain's users from Google Workspace now.")
    return _tab()


# --- Members -------------------------------------------------------------------------------------

@require_GET
@workspace_required
@with_connection
def users_list(request, connection):
    filters = members.Filters.of(request.GET)
    return render(request, "google_workspace/users.html", {
        "page": members.members_page(request, connection, filters), "filters": filters,
        "statuses": UserStatus.choices, "admin_filters": members.ADMIN_FILTERS.items(),
        "sync": setup.sync_context(request.workspace, connection), "checked": config_of(connection)})


# --- Create User ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@workspace_required(manage=True)
@with_connection
def user_create_page(request, connection):
    checked, groups = config_of(connection), _groups(connection)
    context = {"checked": checked, "groups": groups, "errors": {}, "posted": None}
    if request.method == "GET":
        return render(request, "google_workspace/user_create.html", context)
    try:
        new = new_user_clean(request.POST, connection, group_choices=groups)
        created = user_create(workspace=request.workspace, actor=request.user, connection=connection, new=new)
    except FieldError as exc:
        return render(request, "google_workspace/user_create.html",
                      {**context, "errors": exc.errors, "posted": request.POST}, status=422)
    except CALL_PROBLEMS as exc:
        return render(request, "google_workspace/user_create.html",
                      {**context, "errors": {"__all__": str(exc)}, "posted": request.POST}, status=502)
    invited = _invite(request, created.row.primary_email) if new.invite else ""
    return render(request, "google_workspace/user_created.html",
                  {"created": created, "row": created.row, "password": created.password, "invited": invited})


def _invite(request, email: str) -> str:
    from hubwire.core.models import Role
    from hubwire.core.services import member_invite

    try:
        member_invite(inviter=request.membership, email=email, role=Role.MEMBER)
    except FieldError as exc:
        return "Not invited to the hubwire team: " + " ".join(exc.errors.values())
    return f"Invited {email} to the hubwire team (the invitation was mailed to the new address)."


@require_http_methods(["GET", "POST"])
@workspace_required(manage=True)
@with_connection
def users_bulk(request, connection):
    """Several users: the first POST (or ?preview) is the dry run; a POST with apply=1 creates them."""
    context = {"checked": config_of(connection), "text": "", "planned": None, "applied": None, "errors": {}}
    if request.method == "GET":
        return render(request, "google_workspace/users_bulk.html", context)
    text = request.POST.get("lines", "")
    context["text"] = text
    try:
        if request.POST.get("apply") == "1":
            context["applied"] = bulk.apply(text, workspace=request.workspace, actor=request.user,
                                            connection=connection)
        else:
            context["planned"] = bulk.plan(text, connection)
    except FieldError as exc:
        return render(request, "google_workspace/users_bulk.html", {**context, "errors": exc.errors}, status=422)
    return render(request, "google_workspace/users_bulk.html", context)


# --- one user --------------------------------------------------------------------------------------

@require_GET
@workspace_required
def user_page(request, user_id: int):
    row = _row(request, user_id)
    return render(request, "google_workspace/user.html", {"row": row, "errors": {}})


def _act(request, user_id: int, action, **kwargs):
    """Run one manage action on the row; the user page again with what happened (or why not)."""
    row = _row(request, user_id)
    try:
        connection = _ready(request)
    except setup.NotReady as exc:
        return render(request, "google_workspace/user.html", {"row": row, "errors": {"__all__": str(exc)}},
                      status=409)
    try:
        done = action(workspace=request.workspace, actor=request.user, connection=connection, row=row, **kwargs)
    except manage.GoneFromGoogle as exc:
        flash.error(request, str(exc))
        return redirect("integrations:google_workspace_users")
    except FieldError as exc:
        return render(request, "google_workspace/user.html", {"row": row, "errors": exc.errors,
                                                              "posted": request.POST}, status=422)
    except CALL_PROBLEMS as exc:
        return render(request, "google_workspace/user.html", {"row": row, "errors": {"__all__": str(exc)}},
                      status=502)
    return render(request, "google_workspace/user.html",
                  {"row": done.row or row, "errors": {}, "notice": done.words, "password": done.password})


@require_POST
@workspace_required(manage=True)
def user_suspend(request, user_id: int):
    return _act(request, user_id, manage.user_suspend)


@require_POST
@workspace_required(manage=True)
def user_restore(request, user_id: int):
    return _act(request, user_id, manage.user_restore)


@require_POST
@workspace_required(manage=True)
def user_password(request, user_id: int):
    return _act(request, user_id, manage.user_password_reset, typed=request.POST.get("password", ""))


@require_POST
@workspace_required(manage=True)
def user_admin(request, user_id: int):
    wanted = request.POST.get("admin", "")
    if wanted not in ("1", "0"):
        return render(request, "google_workspace/user.html",
                      {"row": _row(request, user_id), "errors": {"admin": "Admin: choose make (1) or revoke (0)."}},
                      status=422)
    return _act(request, user_id, manage.user_admin_set, admin=wanted == "1")


@require_POST
@workspace_required(manage=True)
def user_rename(request, user_id: int):
    return _act(request, user_id, manage.user_rename, data=request.POST)


def _delete_page(request, row: DirectoryUser, errors: dict, status: int = 200):
    return render(request, "google_workspace/user_delete.html",
                  {"row": row, "errors": errors, "kept_days": DELETED_KEPT_DAYS}, status=status)


@require_http_methods(["GET", "POST"])
@workspace_required(manage=True)
def user_delete(request, user_id: int):
    row = _row(request, user_id)
    if request.method == "GET":
        return _delete_page(request, row, {})
    try:
        connection = _ready(request)
        done = manage.user_delete(workspace=request.workspace, actor=request.user, connection=connection, row=row,
                                  confirm=request.POST.get("confirm", ""))
    except setup.NotReady as exc:
        return _delete_page(request, row, {"__all__": str(exc)}, status=409)
    except FieldError as exc:
        return _delete_page(request, row, exc.errors, status=422)
    except CALL_PROBLEMS as exc:
        return _delete_page(request, row, {"__all__": str(exc)}, status=502)
    flash.success(request, done.words)
    return redirect("integrations:google_workspace_users")


# --- Recently deleted users (deleted.py) ------------------------------------------------------------

PAGE_TOKEN = re.compile(r"[A-Za-z0-9_=-]{1,512}")  # Google's page tokens are URL-safe base64
GOOGLE_ID = re.compile(r"[0-9]{1,30}")  # a user's immutable id: ASCII digits (str.isdigit takes any script's)


@require_GET
@workspace_required(manage=True)
@with_connection
def users_deleted(request, connection):
    token = request.GET.get("page_token", "")
    context = {"kept_days": DELETED_KEPT_DAYS, "users": [], "next_token": "", "token": token, "errors": {}}
    if token and not PAGE_TOKEN.fullmatch(token):
        return render(request, "google_workspace/users_deleted.html", {**context, "errors": {
            "page_token": "page_token: this is not a page link hubwire made; start from the first page."}}, status=400)
    try:
        context["users"], context["next_token"] = deleted.deleted_page(connection, token)
    except CALL_PROBLEMS as exc:
        refused_token = token and getattr(exc, "status", None) == 400  # an old or altered page link
        return render(request, "google_workspace/users_deleted.html",
                      {**context, "errors": {"__all__": str(exc)}}, status=400 if refused_token else 502)
    return render(request, "google_workspace/users_deleted.html", context)


@require_POST
@workspace_required(manage=True)
@with_connection
def user_undelete(request, connection, google_id: str):
    if not GOOGLE_ID.fullmatch(google_id):
        raise Http404("No such deleted user.")
    try:
        done = deleted.user_undelete(workspace=request.workspace, actor=request.user, connection=connection,
                                     google_id=google_id)
    except (deleted.CannotBringBack, *CALL_PROBLEMS) as exc:
        flash.error(request, str(exc))
        return redirect("integrations:google_workspace_users_deleted")
    flash.success(request, done.words)
    return redirect("integrations:google_workspace_user", done.row.pk)
