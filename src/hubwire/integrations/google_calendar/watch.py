"""Push notifications (providers.md §3.3): one watch channel on the connected calendar's events,
posting to this connection's own URL (integrations/inbound_urls.py), renewed before it expires,
stopped on disconnect.

hubwire chooses the channel's id and token itself, and keeps them (the token in the connection's
encrypted credentials) before it asks Google to watch, because Google's first message ("sync") may
arrive before the watch call has answered. A few recent channels are remembered, so that a push from
the channel being replaced still verifies while the new one starts."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone

from django.db import transaction
from django.utils.dateparse import parse_datetime

from hubwire.core import clock
from hubwire.integrations.google_calendar.api import CalendarApi, calendar_api, setting
from hubwire.integrations.http import ProviderError
from hubwire.integrations.choices import choices_put
from hubwire.integrations.google_calendar.config import KEY, config_of, config_update
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection

CHANNELS = "channels"  # credentials key: {channel id: token}
KEEP = 3


def ttl_seconds() -> int:
    # Google does not publish the Calendar channels' longest life (providers.md §3.3 [U]); a week is asked.
    return setting("CHANNEL_TTL_SECONDS", 7 * 24 * 3600)


def renew_before() -> timedelta:
    return timedelta(seconds=setting("CHANNEL_RENEW_BEFORE_SECONDS", 24 * 3600))


def expires_at(connection: Connection) -> datetime | None:
    value = config_of(connection).channel_expires_at
    return parse_datetime(value) if value else None


def channel_token(connection: Connection, channel_id: str) -> str:
    return ((connection.credentials or {}).get(CHANNELS) or {}).get(channel_id, "")


def due(connection: Connection) -> bool:
    until = expires_at(connection)
    return not config_of(connection).channel_id or until is None or until - clock.now() <= renew_before()


def ensure(connection: Connection, cal: CalendarApi) -> str:
    """Watch the calendar when no channel is live or the live one is about to expire; then stop the old one."""
    if not due(connection):
        return "the watch channel is live"
    old = config_of(connection)
    channel_id, token = uuid.uuid4().hex, secrets.token_urlsafe(32)
    _remember(connection, channel_id, token)
    answer = cal.watch(channel_id=channel_id, address=connection_inbound_url(connection=connection), token=token,
                       ttl_seconds=ttl_seconds())
    until = datetime.fromtimestamp(int(answer["expiration"]) / 1000, tz=timezone.utc).isoformat() \
        if answer.get("expiration") else ""
    config_update(connection, channel_id=channel_id, channel_resource_id=answer.get("resourceId", ""),
                  channel_expires_at=until)
    if old.channel_id and old.channel_resource_id:
        cal.stop(channel_id=old.channel_id, resource_id=old.channel_resource_id)
    return "renewed the watch channel" if old.channel_id else "started watching the calendar"


def keep_open(connection: Connection) -> str:
    """Open or renew the channel (connecting, the safety pass); words for what happened. A Google that
    does not answer is said, not raised: the read that follows still runs. NeedsReconnect goes up."""
    try:
        with calendar_api(connection) as cal:
            return ensure(connection, cal)
    except ProviderError as exc:
        return f"could not open the watch channel ({exc}); the read below still runs"


def stop(connection: Connection, cal: CalendarApi) -> None:
    config = config_of(connection)
    if config.channel_id and config.channel_resource_id:
        cal.stop(channel_id=config.channel_id, resource_id=config.channel_resource_id)
    forget(connection)
    connection.save(update_fields=["details", "credentials"])


def forget(connection: Connection) -> None:
    """Drop the channel (not saved: the caller saves `connection`)."""
    config = config_of(connection)
    config.channel_id = config.channel_resource_id = config.channel_expires_at = ""
    choices_put(connection, KEY, config)
    connection.credentials = {k: v for k, v in (connection.credentials or {}).items() if k != CHANNELS}


def _remember(connection: Connection, channel_id: str, token: str) -> None:
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        channels = dict(list(((locked.credentials or {}).get(CHANNELS) or {}).items())[-(KEEP - 1):])
        channels[channel_id] = token
        locked.credentials = {**(locked.credentials or {}), CHANNELS: channels}
        locked.save(update_fields=["credentials"])
    connection.credentials = locked.credentials
