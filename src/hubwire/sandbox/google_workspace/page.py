"""The sandbox page's Google Workspace card: the customer's domains, its users fifty a page (status,
admin role, 2-Step Verification, last sign-in) with a button to suspend or restore each, as an admin
does in the Admin console, and its groups fifty a page with their member counts."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from hubwire.sandbox.google_workspace.models import DirectoryUser, Domain, Group
from hubwire.sandbox.google_workspace.seed import ensure_seeded
from hubwire.sandbox.hooks import page_card
from hubwire.sandbox.routes import require_sandbox

PER_PAGE = 50
ANCHOR = "google-workspace"


def _status(user: DirectoryUser) -> str:
    if user.archived:
        return "Archived"
    if user.suspended:
        return f"Suspended ({user.suspension_reason or 'ADMIN'})"
    if user.last_login_at is None:
        return "Pending first sign-in"
    return "Active"


def _role(user: DirectoryUser) -> str:
    if user.is_admin:
        return "Super admin"
    if user.admin_privileges:
        return f"Delegated admin ({user.admin_privileges})"
    return ""


def _page(request, rows, key: str):
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get(key))
    links = {}
    if page.has_previous():
        links["previous"] = "?" + urlencode({**request.GET.dict(), key: page.previous_page_number()})
    if page.has_next():
        links["next"] = "?" + urlencode({**request.GET.dict(), key: page.next_page_number()})
    return page, links


def card_context(request) -> dict:
    customer = ensure_seeded()
    users, user_links = _page(request, DirectoryUser.objects.filter(customer=customer).order_by("primary_email", "pk"),
                              "gws_users")
    groups, group_links = _page(request, Group.objects.filter(customer=customer).order_by("email", "pk"), "gws_groups")
    return {
        "customer": customer, "domains": Domain.objects.filter(customer=customer).order_by("-is_primary", "name"),
        "users": users, "user_links": user_links, "groups": groups, "group_links": group_links,
        "rows": [{"user": u, "status": _status(u), "role": _role(u),
                  "last_login": f"{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else ""}
                 for u in users],
    }


@require_POST
def suspend(request):
    """Suspend an active user (reason ADMIN) or restore a suspended one, as the Admin console does."""
    require_sandbox()
    user = DirectoryUser.objects.filter(user_id=request.POST.get("user_id", "")).first()
    if user is None:
        raise Http404("No such Workspace user.")
    restoring = user.suspended
    DirectoryUser.objects.filter(pk=user.pk).update(
        suspended=not restoring, suspension_reason="" if restoring else "ADMIN", version=F("version") + 1)
    return redirect(reverse("sandbox:index") + "#" + ANCHOR)


urlpatterns = [path("suspend/", suspend, name="google_workspace_suspend")]

page_card("google_workspace", template="sandbox/_google_workspace.html", context=card_context,
          urlpatterns=urlpatterns, order=40)
