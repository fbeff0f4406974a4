"""Push notifications (providers.md §3.3, developers.google.com/calendar/api/guides/push): a watch
channel gets an empty-body POST with Google's X-Goog-* headers, `sync` first, then `exists` after
every change of its calendar's events, numbered upwards; a stopped or expired channel gets nothing.

Unlike Google, a failed delivery is not retried with backoff; the call log shows it."""

from datetime import datetime, timedelta, timezone

from django.db import transaction
from django.db.models import F

from hubwire.sandbox import clock
from hubwire.sandbox.clients import post_event
from hubwire.sandbox.google_calendar.models import Calendar, Channel

RESOURCE_URI = "https://www.googleapis.com/calendar/v3/calendars/{calendar}/events?alt=json"
# Google does not publish the Calendar channels' default lifetime (providers.md §3.3 marks it [U]);
# a week is what channels answer in practice when no ttl is asked for.
DEFAULT_TTL = timedelta(days=7)


def expiration_ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def from_ms(value) -> datetime:
    """A Channel's expiration (milliseconds since the epoch, a number or a string); ValueError otherwise."""
    return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)


def live(calendar: Calendar):
    return Channel.objects.filter(calendar=calendar, stopped=False, expires_at__gt=clock.now())


def push(channel: Channel, state: str) -> None:
    # Counted in the database, so that two writes at once never send one message number twice.
    with transaction.atomic(using="sandbox"):
        Channel.objects.filter(pk=channel.pk).update(messages=F("messages") + 1)
        channel.refresh_from_db(fields=["messages"])
    headers = {"X-Goog-Channel-ID": channel.channel_id, "X-Goog-Message-Number": str(channel.messages),
               "X-Goog-Resource-ID": channel.resource_id, "X-Goog-Resource-State": state,
               "X-Goog-Resource-URI": RESOURCE_URI.format(calendar=channel.calendar.email),
               "X-Goog-Channel-Expiration": channel.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT"),
               "User-Agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"}
    if channel.token:
        headers["X-Goog-Channel-Token"] = channel.token
    post_event(channel.address, b"", headers, f"google calendar push {state} #{channel.messages}")


def notify(calendar: Calendar) -> None:
    """Tell every live channel of this calendar that its events changed."""
    for channel in live(calendar).select_related("calendar"):
        push(channel, "exists")
