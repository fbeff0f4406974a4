"""hubwire's own middleware: a query string no database can take is refused, every cookie is
Secure on an https request, and the signed-in user's workspace and membership are on the request."""

from django.http import HttpResponseBadRequest, JsonResponse

from hubwire.core.models import Membership


class RefuseNulInQueryMiddleware:
    """A NUL in a query parameter answers 400 here (422 on the API), for every page and route at
    once. Form fields refuse it already (Django's CharField), JSON bodies in core.strict_json; a
    query value reaches filters directly, and PostgreSQL cannot take a NUL in any text (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = next((name for name, values in request.GET.lists() if "\x00" in name or any("\x00" in v for v in values)),
                   None)
        if bad is None:
            return self.get_response(request)
        message = "A query parameter contains a NUL character, which hubwire does not accept."
        if request.path_info.startswith("/api/"):  # the API's answer to any bad parameter (docs/api.md)
            item = {"loc": ["query", bad.replace("\x00", "")], "msg": message, "type": "string_type"}
            return JsonResponse({"detail": [item]}, status=422)
        return HttpResponseBadRequest(f"{message} ({bad.replace(chr(0), '')})", content_type="text/plain")


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
