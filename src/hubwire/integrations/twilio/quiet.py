"""Quiet hours: automated texts (reminders hubwire sends on its own) wait until morning instead of
waking someone at night. A person on the team replying by hand is not held. The window is the
business's choice (config.py: on by default, 21:00 to 08:00) and is read on the recipient's clock.

Contacts have no time zone of their own in hubwire's CRM, so "the recipient's clock" is the
workspace's zone (core Workspace.time_zone); `recipient_zone` is the one place to change when they get
one. Times are wall-clock times in that zone, so a window keeps its hours across a daylight-saving
change: on the night the clocks go forward, 21:00 to 08:00 lasts ten hours."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hubwire.core import clock
from hubwire.core.audit import audit_record, audit_words
from hubwire.core.errors import FieldError
from hubwire.integrations.models import Connection
from hubwire.integrations.twilio.config import KEY, SmsConfig, active_connection, config_of, config_update

TIME_OF_DAY = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
SWITCH = {"1": True, "0": False, "": False}

audit_words({"sms_quiet_hours_changed": "SMS quiet hours changed"})


def recipient_zone(workspace, contact) -> ZoneInfo:
    return ZoneInfo(workspace.time_zone)


def window(config: SmsConfig) -> tuple[time, time] | None:
    """(start, end) of the quiet hours, or None when they are off."""
    if not config.quiet_hours:
        return None
    return time.fromisoformat(config.quiet_start), time.fromisoformat(config.quiet_end)


def hold_until(workspace, contact, *, now: datetime | None = None) -> datetime | None:
    """When an automated text to `contact` may go, if it must wait for the end of the quiet hours;
    None: it may go now. `now` is hubwire's clock unless given."""
    quiet = window(config_of(active_connection(workspace)))
    if quiet is None:
        return None
    start, end = quiet
    zone = recipient_zone(workspace, contact)
    local = (now or clock.now()).astimezone(zone)
    at = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= at < end, local.date()
    else:  # the window spans midnight (21:00 to 08:00)
        inside, end_day = (at >= start or at < end), local.date() + timedelta(days=at >= start)
    if not inside:
        return None
    return _wall_clock(end_day, end, zone)


def _wall_clock(day, at: time, zone: ZoneInfo) -> datetime:
    """The instant (in UTC) at which `zone`'s clocks show `at` on `day`. A time the clocks skip (spring
    forward) is read with the offset from before the change, which lands as far past the change as
    `at` is into the skipped hour: a little late, never early."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def quiet_hours_save(*, connection: Connection, data, actor=None) -> SmsConfig:
    """The quiet-hours form: checked in full before anything is written; a FieldError names each bad
    field. A change is in the audit log (who, and the hours before and after); saving the same
    hours again is not a change."""
    errors = {}
    switch = SWITCH.get(str(data.get("quiet_hours", "")))
    if switch is None:
        errors["quiet_hours"] = "Send 1 to turn quiet hours on, or leave it out to turn them off."
    times = {}
    for field, words in (("quiet_start", "start"), ("quiet_end", "end")):
        value = str(data.get(field, "")).strip()
        if not TIME_OF_DAY.fullmatch(value):
            errors[field] = f"Enter the {words} as a time of day, HH:MM on a 24-hour clock, e.g. " \
                            f"{SmsConfig.quiet_start if field == 'quiet_start' else SmsConfig.quiet_end}."
        times[field] = value
    if not errors and times["quiet_start"] == times["quiet_end"]:
        errors["quiet_end"] = "The end must differ from the start. To send at any hour, turn quiet hours off."
    if errors:
        raise FieldError(errors)
    before = describe(config_of(connection))
    config = config_update(connection, quiet_hours=switch, **times)
    if describe(config) != before:
        audit_record(workspace=connection.workspace, actor=actor, action="sms_quiet_hours_changed",
                     subject=KEY, detail=f"{before} → {describe(config)}")
    return config


def describe(config: SmsConfig) -> str:
    return f"{config.quiet_start}–{config.quiet_end}" if config.quiet_hours else "off"
