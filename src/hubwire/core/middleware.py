"""Attaches the signed-in user's workspace and membership to the request."""

from hubwire.core.models import Membership


class WorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.workspace = None
        request.membership = None
        if request.user.is_authenticated:
            memberships = Membership.objects.select_related("workspace").filter(user=request.user)
            chosen = request.session.get("workspace_id")
            membership = (chosen and memberships.filter(workspace_id=chosen).first()) or memberships.order_by("id").first()
            if membership:
                request.workspace = membership.workspace
                request.membership = membership
        return self.get_response(request)
