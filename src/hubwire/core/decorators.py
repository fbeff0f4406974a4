"""Access checks for team pages."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def workspace_required(view=None, *, manage: bool = False):
    """Signed in and a member of a workspace; with manage=True, an owner or admin of it."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.workspace is None:
                raise PermissionDenied("You are not a member of any workspace.")
            if manage and not request.membership.can_manage:
                raise PermissionDenied("Only the workspace's owners and admins can do this.")
            return func(request, *args, **kwargs)

        wrapper.manage_only = manage  # read by the access-matrix test, which must cover every such route
        return wrapper

    return decorator(view) if view else decorator
