"""STUB in branch sms-send, until sms-inbound's quiet.py lands (same function: the contract between
the two). Quiet hours from the business's SMS choices, in the workspace's time zone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from hubwire.integrations.twilio.config import active_connection, config_of


def hold_until(workspace, contact) -> datetime | None:
    """When an automated text to `contact` may go, if not now (None: now)."""
    config = config_of(active_connection(workspace))
    if not config.quiet_hours:
        return None
    zone = ZoneInfo(workspace.time_zone or "UTC")
    now = timezone.now().astimezone(zone)
    start, end = time.fromisoformat(config.quiet_start), time.fromisoformat(config.quiet_end)
    clock = now.time()
    quiet = (start <= clock < end) if start < end else (clock >= start or clock < end)
    if not quiet:
        return None
    morning = datetime.combine(now.date(), end, tzinfo=zone)
    return morning if morning > now else datetime.combine(now.date() + timedelta(days=1), end, tzinfo=zone)
