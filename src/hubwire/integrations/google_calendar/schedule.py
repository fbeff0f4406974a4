"""The calendar's periodic work for each connected workspace:
- the safety pass (every HUBWIRE_GOOGLE_CALENDAR_SAFETY_MINUTES, 15 by default): renews the watch
  channel when it is about to expire and reads the calendar's changes, for a push that never came.
  It is also how a revoked or expired grant is noticed within one cycle: its call fails to renew the
  token, and the card turns red (tokens.refresh);
- once a day, recurring series are laid out again as hubwire's window moves on (no call to Google)."""

from __future__ import annotations

from hubwire.integrations.google_calendar import pull, watch
from hubwire.integrations.google_calendar.api import setting
from hubwire.integrations.google_calendar.config import active_connection
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.sync.models import Trigger
from hubwire.sync.registry import schedule_handler
from hubwire.sync.rules import Every, ScheduleSpec

SAFETY = "google_calendar.safety"
SERIES = "google_calendar.series"


def specs() -> tuple[ScheduleSpec, ...]:
    return (ScheduleSpec(SAFETY, "Read Google Calendar's changes and keep the watch channel open",
                         Every(setting("SAFETY_MINUTES", 15))),
            ScheduleSpec(SERIES, "Lay out recurring Google events in hubwire's window", Every(24 * 60)))


@schedule_handler(SAFETY)
def safety(schedule) -> str:
    connection = active_connection(schedule.workspace)
    if connection is None:
        return "Nothing to do while Google Calendar is not connected."
    try:
        watching = watch.keep_open(connection)
    except NeedsReconnect as exc:
        return f"Google Calendar needs reconnecting: {exc}"
    pull.queue(schedule.workspace, trigger=Trigger.SCHEDULE)
    return f"{watching}; queued a read of the calendar's changes"


@schedule_handler(SERIES)
def series(schedule) -> str:
    count = pull.lay_out_series_again(schedule.workspace)
    return f"laid out {count} recurring series"
