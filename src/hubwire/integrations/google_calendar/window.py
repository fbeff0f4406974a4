"""hubwire's window on the calendar: the appointments a recurring series is laid out as, and the
events a first read imports, fall between a day back and HUBWIRE_GOOGLE_CALENDAR_WINDOW_DAYS ahead
(180 by default), counted on the calendar clock (core.clock), which the sandbox can move."""

from hubwire.core import clock
from hubwire.integrations.google_calendar.api import setting
from hubwire.integrations.google_calendar.recurrence import day_window


def window_now(connection=None) -> tuple:
    return day_window(clock.now().date(), back_days=1, ahead_days=setting("WINDOW_DAYS", 180))
