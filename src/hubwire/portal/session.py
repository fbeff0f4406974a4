"""The portal's own session: its own cookie, scoped to /portal/, in the same session store as the
team's. Signing in to one never signs anyone in to the other, and signing out of the portal leaves
a team login in the same browser alone."""

from importlib import import_module

from django.conf import settings
from django.utils.cache import patch_vary_headers

PREFIX = "/portal/"
COOKIE = "hubwire_portal"
DEVICE_COOKIE = "hubwire_portal_device"


class PortalSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        request.portal_session = self.store(request.COOKIES.get(COOKIE))
        response = self.get_response(request)
        session = request.portal_session
        if COOKIE in request.COOKIES and session.is_empty():
            response.delete_cookie(COOKIE, path=PREFIX, samesite="Lax")
        elif session.accessed:
            patch_vary_headers(response, ("Cookie",))
            if session.modified and not session.is_empty() and response.status_code < 500:
                session.save()
                set_portal_cookie(response, COOKIE, session.session_key, max_age=session.get_expiry_age())
        return response


def set_portal_cookie(response, name: str, value: str, *, max_age: int) -> None:
    """A cookie of the portal's: sent to /portal/ only, out of scripts' reach, Secure as the team's session
    cookie is (and on every https request, see hubwire.core.middleware.SecureCookiesMiddleware)."""
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, secure=settings.SESSION_COOKIE_SECURE,
                        httponly=True, samesite="Lax")

