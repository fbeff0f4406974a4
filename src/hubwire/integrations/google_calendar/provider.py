"""Google Calendar (providers.md §3). Declared here; two-way sync comes with its own issue."""

from datetime import timedelta

from django.conf import settings

from hubwire.integrations.google_calendar import errors
from hubwire.integrations.registry import AuthKind, Provider, RateLimit, register

GOOGLE_HOSTS = {"accounts": "https://accounts.google.com", "oauth2": "https://oauth2.googleapis.com",
                "api": "https://www.googleapis.com"}


class GoogleProvider(Provider):
    """Google's OAuth 2.0 for web server apps: offline access with a forced consent so that a
    refresh token is always issued; refresh tokens do not rotate."""

    auth_kind = AuthKind.OAUTH2
    hosts = GOOGLE_HOSTS
    authorize_endpoint = ("accounts", "/o/oauth2/v2/auth")
    token_endpoint = ("oauth2", "/token")
    revoke_endpoint = ("oauth2", "/revoke")
    token_auth_method = "client_secret_post"
    revoke_client_auth = False  # POST /revoke?token=… needs no client credentials
    authorize_params = {"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"}
    expiry_warning = timedelta(days=2)
    refresh_extends_authorization = False  # a Testing app's 7 days count from consent, not from use

    def explain_error(self, response):
        return errors.explain(response)  # one envelope for every Google API (Calendar, Directory)

    @property
    def refresh_token_lifetime(self) -> timedelta | None:
        # Apps in "Testing" get refresh tokens that die after 7 days; set HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS=7 then.
        # Read when a token is stored, so that override_settings reaches it.
        days = settings.HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS
        return timedelta(days=days) if days else None


@register
class GoogleCalendar(GoogleProvider):
    key = "google_calendar"
    tab_order = 40
    name = "Google Calendar"
    tab_label = "Google Calendar"
    summary = "Two-way appointment sync with Google Calendar; “Google Meet” as the location adds a Meet link."
    scopes = ("https://www.googleapis.com/auth/calendar.events",)
    # 600 requests/min per user per project (developers.google.com/workspace/calendar/api/guides/quota).
    rate_limit = RateLimit(per_second=10, burst=10, source="developers.google.com/workspace/calendar/api/guides/quota")
