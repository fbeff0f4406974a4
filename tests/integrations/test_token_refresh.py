"""Concurrent refreshers make exactly one token call, and every one of them gets the new token."""

from django.utils import timezone

from hubwire.integrations.models import Connection
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import access_token
from tests.conftest import SANDBOX_DB, in_threads
from tests.integrations import oauth_flow

pytestmark = SANDBOX_DB
ZOOM = PROVIDERS["zoom"]


def test_twenty_concurrent_refreshes_make_one_token_call(sandbox, owner_client, workspace):
    connection = oauth_flow.connect(owner_client, workspace)
    old_access, old_refresh = connection.access_token, connection.refresh_token
    Connection.objects.filter(pk=connection.pk).update(access_token_expires_at=timezone.now())

    results, errors = in_threads(20, lambda: access_token(ZOOM, Connection.objects.get(pk=connection.pk)))

    assert errors == []
    connection.refresh_from_db()
    assert len(sandbox.calls("zoom.us", "/oauth/token", note="refresh_token")) == 1
    assert results == [connection.access_token] * 20
    assert connection.access_token != old_access and connection.refresh_token != old_refresh
    # The rotated refresh token hubwire stored is the one Zoom now honours.
    [live_refresh] = sandbox.tokens("zoom", kind="refresh", revoked_at=None)
    assert live_refresh.value == connection.refresh_token


def test_keep_alive_renews_an_idle_rolling_authorization_before_it_lapses(sandbox, owner_client, workspace):
    from datetime import timedelta

    from hubwire.integrations.tasks import keep_alive

    connection = oauth_flow.connect(owner_client, workspace)
    assert keep_alive() == 0  # a fresh authorization is left alone
    Connection.objects.filter(pk=connection.pk).update(refresh_token_expires_at=timezone.now() + timedelta(days=10))
    assert keep_alive() == 1
    connection.refresh_from_db()
    assert connection.refresh_token_expires_at > timezone.now() + ZOOM.refresh_token_lifetime - timedelta(minutes=1)
    assert len(sandbox.calls("zoom.us", "/oauth/token", note="refresh_token")) == 1
