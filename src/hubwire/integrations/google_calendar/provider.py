"""Google (providers.md §3): the OAuth app every Google provider shares, and Google Calendar, which
keeps appointments and the connected account's primary calendar in step both ways (issue 19; the
modules beside this one, each saying what it does) and makes Google Meet links."""

from datetime import timedelta

import httpx
from django.conf import settings

from hubwire.integrations.choices import choices_put
from hubwire.integrations.google_calendar import api, config, errors, hooks, inbound, schedule, setup, start, watch
from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.registry import AuthKind, Provider, RateLimit, register
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.sync.models import Trigger

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
    built = True
    # Only Calendar event access is asked for (the seed: "only Calendar read/write access is requested").
    scopes = ("https://www.googleapis.com/auth/calendar.events",)
    # The Meet of a "Google Meet" appointment lives on its calendar event (meet.py), not in a meetings API.
    meeting_location = "google_meet"
    meeting_name = "Google Meet"
    tab_template = "google_calendar/tab.html"

    @property
    def rate_limit(self) -> RateLimit:
        """600 requests a minute per user, a sliding window (developers.google.com/workspace/calendar/api/
        guides/quota): a bucket that never lets more than that through in any minute, bursts included."""
        return RateLimit.per_minute(api.requests_per_minute(), burst=10,
                                    source="developers.google.com/workspace/calendar/api/guides/quota")

    @property
    def schedules(self):
        return schedule.specs()

    def after_connect(self, connection, client):
        """Which calendar: events.list on "primary" names it (its summary is the account's email) and its zone."""
        answer = raise_for_status(self, client.get(self.url("api", "/calendar/v3/calendars/primary/events"),
                                                   params={"maxResults": 1}))
        body = answer.json()
        calendar = config.config_of(connection)
        calendar.calendar_email, calendar.calendar_time_zone = body.get("summary", ""), body.get("timeZone", "")
        choices_put(connection, config.KEY, calendar)
        connection.account_name = calendar.calendar_email[:200]

    def connected(self, connection):
        super().connected(connection)
        start.queue(connection.workspace)

    def facts(self, connection):
        calendar = config.config_of(connection)
        return [(label, value) for label, value in (
            ("Calendar", calendar.calendar_email), ("Time zone", calendar.calendar_time_zone)) if value]

    def before_disconnect(self, connection) -> None:
        """Stop the watch channel while hubwire still holds a token that may (Google has no other way)."""
        try:
            with api.calendar_api(connection) as cal:
                watch.stop(connection, cal)
        except (ProviderError, NeedsReconnect, httpx.HTTPError):
            pass  # an unreachable Google: the channel expires by itself, and its pushes no longer verify

    def forget(self, connection) -> None:
        watch.forget(connection)

    def request_meeting(self, appointment, *, retry: bool) -> None:
        """The meeting card's Retry: ask for the event (and its Meet) again."""
        hooks.appointment_changed(appointment, trigger=Trigger.BUTTON if retry else Trigger.CHANGE)

    def tab_context(self, workspace) -> dict:
        return setup.tab_context(workspace)

    inbound_on_connection_url = True  # each connection's watch channel posts to its own URL

    def verify_inbound(self, request):
        return inbound.verify(request)

    def handle_event(self, event) -> str:
        return inbound.handle(event)
