"""Periodic upkeep of connections."""

import logging

import httpx
from celery import shared_task
from django.utils import timezone

from hubwire.integrations.health import record_failure
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect, refresh
from hubwire.jobs.periodic import periodic

log = logging.getLogger(__name__)


@shared_task(name="hubwire.integrations.keep_alive")
def keep_alive() -> int:
    """Refresh connections whose rolling refresh token has used up half its life (QuickBooks: 100
    days idle; Zoom: 90 [U]), so that an integration nobody used for weeks does not silently lapse.
    Tokens that a refresh does not extend (Google "Testing" apps) are left to the expiry warning."""
    now = timezone.now()
    refreshed = 0
    for connection in Connection.objects.filter(status=ConnectionStatus.ACTIVE, refresh_token_expires_at__isnull=False):
        provider = PROVIDERS.get(connection.provider)
        lifetime = provider and provider.refresh_token_lifetime
        if not lifetime or not provider.refresh_extends_authorization:
            continue
        if connection.refresh_token_expires_at - now > lifetime / 2:
            continue
        try:
            refresh(provider, connection, stale=connection.access_token)
            refreshed += 1
        except NeedsReconnect:
            pass  # already marked needs attention, with the reason
        except (ProviderError, httpx.HTTPError) as exc:
            record_failure(provider, connection, f"keeping the authorization alive: {exc}")
    return refreshed


# Hourly is plenty against lifetimes of 90 and 100 days: a connection is renewed within the hour
# after crossing half its life.
periodic("integrations-keep-alive", task="hubwire.integrations.keep_alive", every=3600)
