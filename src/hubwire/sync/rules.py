"""When a schedule runs next: "every N minutes", or "these days of each month at this time of day in
the workspace's time zone" (the seed's QuickBooks export: days 5, 10, 15, 20, 25 and 30 at 06:00).

A month without one of the days (February 30th) skips that slot, unless the rule says to run it on
the month's last day instead (`last_day_when_short`: the QuickBooks export of the 30th runs on 28 or
29 February). A local time the clock change
skips (02:30 on a spring-forward night) runs at the same offset as before the change, so an hour
later on the wall (03:30); a local time that happens twice (01:30 on a fall-back night) runs at
the first. Either way the slot runs once."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Far enough to find the next slot of any valid rule (a day 31 comes at least every two months);
# a rule that finds none in this many months is a bug, said loudly.
SEARCH_MONTHS = 14


@dataclass(frozen=True)
class Every:
    minutes: int

    def __post_init__(self):
        if self.minutes < 1:
            raise ValueError("a schedule runs at most once a minute")

    def next_after(self, now: datetime, *, previous: datetime | None, zone: ZoneInfo) -> datetime:
        """The first slot after `now`: on the grid of `previous` when there is one (a run missed for
        hours moves on to the next future slot, it is not repeated once per missed slot)."""
        step = timedelta(minutes=self.minutes)
        if previous is None:
            return now + step
        missed = max((now - previous) // step, 0)
        return previous + step * (missed + 1)

    def words(self, zone: ZoneInfo) -> str:
        return "Every minute" if self.minutes == 1 else f"Every {self.minutes} minutes"


@dataclass(frozen=True)
class MonthDays:
    days: tuple[int, ...]
    at: time
    # A day the month lacks (the 30th in February) runs on the month's last day instead of not at all;
    # several such days (29, 30, 31 in February) run once there.
    last_day_when_short: bool = False

    def __post_init__(self):
        if not self.days or any(not 1 <= day <= 31 for day in self.days):
            raise ValueError("days of the month are 1 to 31")
        object.__setattr__(self, "days", tuple(sorted(set(self.days))))

    def next_after(self, now: datetime, *, previous: datetime | None, zone: ZoneInfo) -> datetime:
        """The first slot after `now` (the previous one does not matter: the calendar is the grid)."""
        local = now.astimezone(zone)
        year, month = local.year, local.month
        for _ in range(SEARCH_MONTHS):
            last_day = calendar.monthrange(year, month)[1]
            for day in self.days_in(last_day):
                slot = self._moment(date(year, month, day), zone)
                if slot > now:
                    return slot
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise ValueError(f"no slot for days {self.days} within {SEARCH_MONTHS} months")

    def days_in(self, last_day: int) -> list[int]:
        """The days this rule runs on in a month of `last_day` days, in order."""
        if self.last_day_when_short:
            return sorted({min(day, last_day) for day in self.days})
        return [day for day in self.days if day <= last_day]

    def _moment(self, day: date, zone: ZoneInfo) -> datetime:
        # fold=0: the first of a repeated local time, and the pre-change offset for a skipped one.
        return datetime.combine(day, self.at, tzinfo=zone).replace(fold=0).astimezone(UTC)

    def words(self, zone: ZoneInfo) -> str:
        days = ", ".join(str(day) for day in self.days)
        which = f"day {days}" if len(self.days) == 1 else f"days {days}"
        return f"On {which} of each month at {self.at:%H:%M} ({zone.key}){self.short_month_words()}"

    def short_month_words(self) -> str:
        """What happens in a month without some of the days, when the rule moves them (else "")."""
        short = [str(day) for day in self.days if day > 28]  # the days February can lack
        if not (short and self.last_day_when_short):
            return ""
        which = short[0] if len(short) == 1 else ", ".join(short[:-1]) + " or " + short[-1]
        return f"; in a month without day {which}, on its last day instead"


Rule = Every | MonthDays


@dataclass(frozen=True)
class ScheduleSpec:
    """A schedule a provider declares (Provider.schedules); created for a workspace when it connects.
    `name` is the schedule handler it runs (sync.registry.schedule_handler)."""

    name: str
    title: str
    rule: Rule


def rule_of(schedule) -> Rule:
    """The rule a Schedule row holds."""
    if schedule.every_minutes:
        return Every(schedule.every_minutes)
    return MonthDays(tuple(schedule.month_days), schedule.at_time, last_day_when_short=schedule.last_day_when_short)


def rule_fields(rule: Rule) -> dict:
    """The Schedule columns that hold `rule`."""
    if isinstance(rule, Every):
        return {"every_minutes": rule.minutes, "month_days": [], "at_time": None, "last_day_when_short": False}
    return {"every_minutes": None, "month_days": list(rule.days), "at_time": rule.at,
            "last_day_when_short": rule.last_day_when_short}


def zone_of(workspace) -> ZoneInfo:
    return ZoneInfo(workspace.time_zone or "UTC")
