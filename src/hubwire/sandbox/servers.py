"""The OAuth authorization servers the sandbox emulates, each at its provider's real hosts and paths
(providers.md §2.1, §3.1, §4.1). Lifetimes marked [U] there are settings here."""

from datetime import timedelta

from hubwire.sandbox.oauth import OAuthServer, register_server
from hubwire.sandbox.routes import ERROR_SHAPES

ZOOM = register_server(OAuthServer(
    key="zoom", name="Zoom",
    authorize=("zoom.us", "/oauth/authorize"), token=("zoom.us", "/oauth/token"), revoke=("zoom.us", "/oauth/revoke"),
    revoke_style="query", client_auth=("basic",), rotates_refresh=True, access_ttl=3599,
    refresh_days_setting="HUBWIRE_ZOOM_REFRESH_TOKEN_DAYS", persona_domain="zoom.example",
    revoke_answer={"status": "success"}, invalid_token_reason="Invalid Token!",
))

GOOGLE = register_server(OAuthServer(
    key="google", name="Google",
    authorize=("accounts.google.com", "/o/oauth2/v2/auth"), token=("oauth2.googleapis.com", "/token"),
    revoke=("oauth2.googleapis.com", "/revoke"), revoke_style="query", client_auth=("post", "basic"),
    rotates_refresh=False, returns_refresh_on_refresh=False, access_ttl=3599, token_type="Bearer",
    refresh_days_setting="HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS", persona_domain="gmail.example",
    revoke_needs_client_auth=False,
))

# Intuit: rotating refresh tokens with a 100-day idle life, realmId on the callback (providers.md §2.1).
INTUIT = register_server(OAuthServer(
    key="intuit", name="Intuit QuickBooks",
    authorize=("appcenter.intuit.com", "/connect/oauth2"), token=("oauth.platform.intuit.com", "/oauth2/v1/tokens/bearer"),
    revoke=("developer.api.intuit.com", "/v2/oauth2/tokens/revoke"), revoke_style="json", client_auth=("basic",),
    rotates_refresh=True, access_ttl=3600, refresh_ttl=timedelta(days=100), persona_domain="intuit.example",
    extra_token_fields={"x_refresh_token_expires_in": 100 * 86400},
    callback_extra=lambda subject: {"realmId": subject["realm_id"]},
))

# Zoom's error envelope: {"code": <int>, "message": "…"} (providers.md §4.2).
ERROR_SHAPES["zoom.us"] = ERROR_SHAPES["api.zoom.us"] = lambda status, message: {"code": status, "message": message}
# www.googleapis.com answers in its Calendar API envelope (google_calendar/errors.py).
ERROR_SHAPES["oauth2.googleapis.com"] = lambda status, message: {
    "error": {"code": status, "message": message, "errors": [{"domain": "global", "reason": "backendError", "message": message}]}}
