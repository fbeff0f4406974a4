"""Settings are read when used, not when a module is imported, so `override_settings` (and an
operator's changed environment) reaches them. One test per kind of place that used to read early:
a provider's class attribute (the Zoom and Google refresh-token lifetimes) and the sandbox's
authorization servers, built at import (their refresh-token lifetimes)."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from hubwire.integrations.registry import PROVIDERS
from hubwire.sandbox.oauth import SERVERS
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow

pytestmark = SANDBOX_DB


def test_zoom_refresh_token_lifetime_follows_the_setting_over_a_real_connect(sandbox, owner_client, workspace):
    with override_settings(HUBWIRE_ZOOM_REFRESH_TOKEN_DAYS=7):
        authorize_url = oauth_flow.start(owner_client)
        callback = oauth_flow.consent(authorize_url)
        before = timezone.now()
        assert oauth_flow.finish(owner_client, callback)["Location"] == "/integrations/zoom/"
        after = timezone.now()

    connection = workspace.connections.get(provider="zoom")
    # hubwire's Zoom provider: Zoom's token answer carries no refresh lifetime, so the setting's is kept.
    assert before + timedelta(days=7) <= connection.refresh_token_expires_at <= after + timedelta(days=7)
    # The sandbox's Zoom server issued the refresh token with the same lifetime, on its own clock.
    [refresh] = sandbox.tokens("zoom", kind="refresh", revoked_at=None)
    assert refresh.expires_at - refresh.created_at == timedelta(days=7)


def test_provider_lifetimes_are_read_from_settings_each_time():
    zoom, google = PROVIDERS["zoom"], PROVIDERS["google_calendar"]
    with override_settings(HUBWIRE_ZOOM_REFRESH_TOKEN_DAYS=30, HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS=7):
        assert (zoom.refresh_token_lifetime, google.refresh_token_lifetime) == (timedelta(days=30), timedelta(days=7))
    with override_settings(HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS=0):  # a published Google app: no fixed lifetime
        assert google.refresh_token_lifetime is None


def test_sandbox_server_lifetimes_are_read_from_settings_each_time():
    with override_settings(HUBWIRE_ZOOM_REFRESH_TOKEN_DAYS=15, HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS=0):
        assert SERVERS["zoom"].refresh_lifetime() == timedelta(days=15)
        assert SERVERS["google"].refresh_lifetime() is None
    with override_settings(HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS=7):
        assert SERVERS["google"].refresh_lifetime() == timedelta(days=7)
    assert SERVERS["intuit"].refresh_lifetime() == timedelta(days=100)  # a fixed lifetime stays fixed
