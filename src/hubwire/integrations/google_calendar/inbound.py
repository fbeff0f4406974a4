"""Google's push notifications for the connected calendar (providers.md §3.3), on this connection's
own URL (/integrations/google_calendar/events/<token>/). A push has an empty body; what proves it is
Google's is the channel token hubwire chose when it asked to watch (X-Goog-Channel-Token), checked,
with the channel id, against the ones kept for this connection before anything is stored. A push
says only "something changed": it queues one read of the changes (pull.py), however many arrive."""

from __future__ import annotations

from hubwire.integrations.google_calendar import pull, watch
from hubwire.integrations.google_calendar.config import active_connection
from hubwire.integrations.registry import InboundDelivery, InboundRejected, InboundRequest
from hubwire.integrations.signatures import signatures_equal
from hubwire.sync.models import Trigger

STATES = ("sync", "exists", "not_exists")


def verify(request: InboundRequest) -> list[InboundDelivery]:
    connection = request.connection
    channel_id = request.headers.get("X-Goog-Channel-ID", "")
    expected = watch.channel_token(connection, channel_id) if channel_id else ""
    if not expected or not signatures_equal(expected, request.headers.get("X-Goog-Channel-Token")):
        raise InboundRejected("X-Goog-Channel-ID and X-Goog-Channel-Token do not match a channel hubwire opened "
                              "for this connection", status=401)
    state = request.headers.get("X-Goog-Resource-State", "")
    if state not in STATES:
        raise InboundRejected(f"X-Goog-Resource-State must be one of {', '.join(STATES)}", status=400)
    number = request.headers.get("X-Goog-Message-Number", "")
    if not number.isdigit():
        raise InboundRejected("X-Goog-Message-Number must be a number", status=400)
    return [InboundDelivery(event_id=f"{connection.pk}:{channel_id}:{number}", event_type=f"events.{state}",
                            account_ref=connection.external_account_id)]


def handle(event) -> str:
    connection = event.connection
    if event.event_type == "events.sync":
        return "the watch channel started"
    if connection is None or active_connection(connection.workspace) is None:
        return "ignored: Google Calendar is no longer connected"
    pull.queue(connection.workspace, trigger=Trigger.WEBHOOK)
    return "queued a read of Google Calendar's changes"
