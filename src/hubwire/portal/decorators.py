"""Access to portal pages: a signed-in client of this workspace whose access still holds."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from hubwire.core.models import Workspace
from hubwire.portal.auth import current_client


def sign_in_url(workspace_id: int, *, next_url: str = "", ended: bool = False) -> str:
    params = {k: v for k, v in (("next", next_url), ("ended", "1" if ended else "")) if v}
    return reverse("portal:sign_in", args=[workspace_id]) + (f"?{urlencode(params)}" if params else "")


def client_required(view=None, *, password_change: bool = False):
    """Sets request.client and request.portal_workspace, or sends the browser to the sign-in page.
    Until a team-set password is changed, only the change-password page opens."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, workspace_id: int, *args, **kwargs):
            workspace = get_object_or_404(Workspace, pk=workspace_id)
            client, ended = current_client(request, workspace.pk)
            if client is None:
                return redirect(sign_in_url(workspace.pk, next_url=request.get_full_path() if request.method == "GET"
                                            else "", ended=ended))
            if client.portal_user.must_change_password and not password_change:
                return redirect("portal:change_password", workspace.pk)
            request.client, request.portal_workspace = client, workspace
            return func(request, workspace_id, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator
