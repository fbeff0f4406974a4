"""hubwire's own middleware: every cookie Secure on an https request, and the signed-in user's
workspace and membership on the request."""

from hubwire.core.models import Membership


class SecureCookiesMiddleware:
    """Cookies are Secure whenever the request came over https, directly or (behind a proxy) as its
    X-Forwarded-Proto says, even when the base URL says http. Outermost, so it sees every cookie set:
    the team's session, CSRF, messages and the portal's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response


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
