"""When a schedule runs next: month ends, February, leap years, clock changes and time zones. Pure
arithmetic: every `now` is given, nothing reads the clock."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from hubwire.sync.rules import Every, MonthDays

NEW_YORK, LONDON, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")
EXPORT = MonthDays((5, 10, 15, 20, 25, 30), time(6, 0))  # the seed's QuickBooks export


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


def slots(rule, now, zone, count):
    found = []
    for _ in range(count):
        now = rule.next_after(now, previous=now, zone=zone)
        found.append(now.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
    return found


def test_the_export_days_run_at_six_in_the_workspaces_zone_and_roll_over_the_month_end():
    assert slots(EXPORT, local(NEW_YORK, 2026, 1, 24, 12, 0), NEW_YORK, 4) == [
        "2026-01-25 06:00", "2026-01-30 06:00", "2026-02-05 06:00", "2026-02-10 06:00"]
    # 06:00 in New York in January is 11:00 UTC.
    assert EXPORT.next_after(utc(2026, 1, 30, 11, 0), previous=None, zone=NEW_YORK) == utc(2026, 2, 5, 11, 0)


def test_february_has_no_thirtieth_so_that_slot_is_skipped():
    assert slots(EXPORT, local(NEW_YORK, 2026, 2, 25, 6, 0), NEW_YORK, 2) == ["2026-03-05 06:00", "2026-03-10 06:00"]


def test_a_leap_february_has_its_twenty_ninth_and_day_thirty_one_skips_short_months():
    leap = MonthDays((29,), time(9, 0))
    assert slots(leap, local(LONDON, 2027, 1, 29, 9, 0), LONDON, 2) == ["2027-03-29 09:00", "2027-04-29 09:00"]
    assert slots(leap, local(LONDON, 2028, 1, 29, 9, 0), LONDON, 1) == ["2028-02-29 09:00"]
    last = MonthDays((31,), time(9, 0))
    assert slots(last, local(LONDON, 2026, 1, 31, 9, 0), LONDON, 3) == [
        "2026-03-31 09:00", "2026-05-31 09:00", "2026-07-31 09:00"]


def test_a_time_the_spring_clock_change_skips_runs_once_an_hour_later_on_the_wall():
    # New York skips 02:00–03:00 on 8 March 2026.
    rule = MonthDays((8,), time(2, 30))
    slot = rule.next_after(utc(2026, 3, 1), previous=None, zone=NEW_YORK)
    assert slot == utc(2026, 3, 8, 7, 30)
    assert slot.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"
    assert rule.next_after(slot, previous=slot, zone=NEW_YORK) == local(NEW_YORK, 2026, 4, 8, 2, 30)


def test_a_time_the_autumn_clock_change_repeats_runs_once_at_its_first_occurrence():
    # New York has 01:30 twice on 1 November 2026: first in EDT (05:30 UTC), then in EST (06:30 UTC).
    rule = MonthDays((1,), time(1, 30))
    slot = rule.next_after(utc(2026, 10, 15), previous=None, zone=NEW_YORK)
    assert slot == utc(2026, 11, 1, 5, 30)
    after_it = rule.next_after(slot, previous=slot, zone=NEW_YORK)
    assert after_it == local(NEW_YORK, 2026, 12, 1, 1, 30)  # not 06:30 UTC the same night


def test_the_workspaces_zone_decides_which_day_it_is():
    rule = MonthDays((5,), time(6, 0))
    now = utc(2026, 1, 4, 22, 0)  # already 5 January, 07:00, in Tokyo; still the 4th in UTC
    assert rule.next_after(now, previous=None, zone=TOKYO) == utc(2026, 2, 4, 21, 0)  # 5 Feb 06:00 in Tokyo
    assert rule.next_after(now, previous=None, zone=ZoneInfo("UTC")) == utc(2026, 1, 5, 6, 0)


def test_every_n_minutes_keeps_its_grid_and_a_long_miss_moves_to_the_next_future_slot():
    rule, previous = Every(30), utc(2026, 5, 1, 12, 0)
    assert rule.next_after(utc(2026, 5, 1, 12, 0), previous=previous, zone=LONDON) == utc(2026, 5, 1, 12, 30)
    assert rule.next_after(utc(2026, 5, 1, 12, 29), previous=previous, zone=LONDON) == utc(2026, 5, 1, 12, 30)
    # Down for five hours and ten minutes: one slot next, at 17:30, not ten slots in a row.
    assert rule.next_after(utc(2026, 5, 1, 17, 10), previous=previous, zone=LONDON) == utc(2026, 5, 1, 17, 30)
    assert rule.next_after(utc(2026, 5, 1, 9, 0), previous=None, zone=LONDON) == utc(2026, 5, 1, 9, 30)


def test_rules_that_could_never_run_are_refused():
    with pytest.raises(ValueError):
        MonthDays((0, 5), time(6, 0))
    with pytest.raises(ValueError):
        MonthDays((32,), time(6, 0))
    with pytest.raises(ValueError):
        MonthDays((), time(6, 0))
    with pytest.raises(ValueError):
        Every(0)


def test_rules_say_themselves_in_words():
    assert EXPORT.words(NEW_YORK) == "On days 5, 10, 15, 20, 25, 30 of each month at 06:00 (America/New_York)"
    assert MonthDays((1,), time(7, 5)).words(TOKYO) == "On day 1 of each month at 07:05 (Asia/Tokyo)"
    assert Every(30).words(TOKYO) == "Every 30 minutes"


ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia"]


# A busy machine draws slowly; that is not what this test is about.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=st.sets(st.integers(1, 31), min_size=1, max_size=6), hour=st.integers(0, 23),
       minute=st.sampled_from([0, 15, 30, 45]), zone=st.sampled_from(ZONES),
       now=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)))
def test_the_next_slot_is_later_on_a_chosen_day_and_no_slot_lies_between(days, hour, minute, zone, now):
    rule, tz = MonthDays(tuple(days), time(hour, minute)), ZoneInfo(zone)
    slot = rule.next_after(now, previous=None, zone=tz)
    assert slot > now
    assert slot.astimezone(tz).day in days or (slot - timedelta(hours=1)).astimezone(tz).day in days  # a skipped hour
    # Asking again from just before the slot finds the same slot: nothing was jumped over.
    assert rule.next_after(slot - timedelta(microseconds=1), previous=None, zone=tz) == slot
