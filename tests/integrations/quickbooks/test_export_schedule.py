"""The scheduled invoice export: the 5th, 10th, 15th, 20th, 25th and 30th at the business's time in
the workspace's zone, February's 30th on its last day (28th, or 29th in a leap year) and said so on
the tab, a run missed while the worker was down run once, and clock changes keeping the local time.
Every `now` is given; the sandbox company is connected over HTTP for the parts that run the export."""

from datetime import UTC, datetime, time

import pytest
from django.utils import timezone

from hubwire.integrations.quickbooks import config, schedule
from hubwire.integrations.quickbooks.invoices import PASS_ALL, february_words, section_context
from hubwire.sync.models import Schedule, ScheduledRun, SyncPass, Trigger
from hubwire.sync.rules import MonthDays
from hubwire.sync.schedules import schedules_run_due
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.invoicing import issue, linked_account, qbo_invoices
from tests.sync.test_schedule_rules import NEW_YORK, slots, utc
from tests.sync.test_schedule_rules import local as local_time

EXPORT = MonthDays(schedule.EXPORT_DAYS, time(6, 0), last_day_when_short=True)


def exports(runs: list) -> list:
    """The export's runs among what a tick made (QuickBooks' hourly read of changes is due too)."""
    return [run for run in runs if run.schedule.name == schedule.EXPORT]


def local(*args, zone=NEW_YORK) -> datetime:
    return local_time(zone, *args)


# --- the rule ----------------------------------------------------------------------------------------

def test_a_31_day_month_runs_on_the_six_days_and_not_on_the_31st():
    assert slots(EXPORT, local(2027, 1, 1), NEW_YORK, 7) == [
        "2027-01-05 06:00", "2027-01-10 06:00", "2027-01-15 06:00", "2027-01-20 06:00", "2027-01-25 06:00",
        "2027-01-30 06:00", "2027-02-05 06:00"]


def test_february_runs_its_last_export_on_the_28th():
    assert slots(EXPORT, local(2027, 2, 25, 6, 0), NEW_YORK, 2) == ["2027-02-28 06:00", "2027-03-05 06:00"]


def test_a_leap_february_runs_it_on_the_29th():
    assert slots(EXPORT, local(2028, 2, 25, 6, 0), NEW_YORK, 2) == ["2028-02-29 06:00", "2028-03-05 06:00"]


def test_days_a_short_month_lacks_run_once_on_its_last_day():
    rule = MonthDays((29, 30, 31), time(9, 0), last_day_when_short=True)
    assert slots(rule, local(2027, 2, 1), NEW_YORK, 4) == [
        "2027-02-28 09:00", "2027-03-29 09:00", "2027-03-30 09:00", "2027-03-31 09:00"]
    assert slots(rule, local(2027, 4, 1), NEW_YORK, 3) == ["2027-04-29 09:00", "2027-04-30 09:00",
                                                           "2027-05-29 09:00"]
    # Without the option the rule is as it was: February has no run at all.
    assert slots(MonthDays((30,), time(9, 0)), local(2027, 1, 30, 10, 0), NEW_YORK, 1) == ["2027-03-30 09:00"]


def test_the_spring_clock_change_keeps_the_local_time_and_a_skipped_time_runs_once_an_hour_later():
    # New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00 on 10 March 2030, an export day.
    assert EXPORT.next_after(local(2030, 3, 6), previous=None, zone=NEW_YORK) == utc(2030, 3, 10, 10, 0)
    assert EXPORT.next_after(local(2030, 3, 1), previous=None, zone=NEW_YORK) == utc(2030, 3, 5, 11, 0)
    early = MonthDays(schedule.EXPORT_DAYS, time(2, 30), last_day_when_short=True)  # no 02:30 that night
    assert slots(early, local(2030, 3, 6), NEW_YORK, 2) == ["2030-03-10 03:30", "2030-03-15 02:30"]


def test_the_autumn_clock_change_runs_a_repeated_time_once():
    # New York has 01:00–02:00 twice on 5 November 2028, an export day: first in EDT, then in EST.
    early = MonthDays(schedule.EXPORT_DAYS, time(1, 30), last_day_when_short=True)
    first = early.next_after(local(2028, 11, 1), previous=None, zone=NEW_YORK)
    assert first == utc(2028, 11, 5, 5, 30)  # 01:30 EDT
    assert early.next_after(first, previous=first, zone=NEW_YORK) == local(2028, 11, 10, 1, 30)  # not 06:30 UTC


def test_the_rule_and_the_tab_say_what_february_does():
    assert EXPORT.words(NEW_YORK) == ("On days 5, 10, 15, 20, 25, 30 of each month at 06:00 (America/New_York); "
                                      "in a month without day 30, on its last day instead")
    assert february_words(EXPORT, datetime(2027, 1, 10, tzinfo=NEW_YORK)) == \
        "February has no 30th: its last export runs on 28 February 2027 at 06:00."
    assert february_words(EXPORT, datetime(2027, 6, 1, tzinfo=NEW_YORK)) == \
        "February has no 30th: its last export runs on 29 February 2028 at 06:00 (a leap year)."
    assert february_words(MonthDays((5,), time(6, 0)), datetime(2027, 1, 1, tzinfo=NEW_YORK)) == ""


# --- the schedule of a connected company ----------------------------------------------------------------

@pytest.fixture
def new_york(workspace):
    workspace.time_zone = "America/New_York"
    workspace.save()
    return workspace


@SANDBOX_DB
def test_connecting_declares_the_export_with_februarys_rule_and_the_tab_says_so(new_york, quickbooks, owner_client):
    export = Schedule.objects.get(workspace=new_york, provider="quickbooks", name=schedule.EXPORT)
    assert (export.month_days, export.at_time, export.last_day_when_short) == ([5, 10, 15, 20, 25, 30], time(6, 0),
                                                                               True)
    tab = owner_client.get("/integrations/quickbooks/").content.decode()
    assert "in a month without day 30, on its last day instead" in tab
    config.enable(quickbooks.connection)
    words = section_context(quickbooks.refresh(), now=datetime(2027, 1, 10, tzinfo=UTC))["february"]
    assert words == "February has no 30th: its last export runs on 28 February 2027 at 06:00."


@SANDBOX_DB
def test_the_business_changing_the_time_moves_the_export(new_york, quickbooks):
    choices = config.config_of(quickbooks.connection)
    choices.export_time = "18:45"
    config.config_save(quickbooks.connection, choices)
    schedule.declare(quickbooks.refresh())
    export = Schedule.objects.get(workspace=new_york, name=schedule.EXPORT)
    assert export.at_time == time(18, 45)
    assert export.next_run_at.astimezone(NEW_YORK).strftime("%H:%M") == "18:45"


@SANDBOX_DB
def test_an_export_missed_while_the_worker_was_down_runs_once_and_exports(new_york, quickbooks):
    config.enable(quickbooks.connection)
    invoice = issue(new_york, linked_account(quickbooks, new_york))
    Schedule.objects.filter(name=schedule.EXPORT).update(next_run_at=local(2027, 3, 5, 6, 0))
    down_until = local(2027, 3, 17, 9, 0)  # the 5th, 10th and 15th went by with no worker

    [missed] = exports(schedules_run_due(now=down_until))
    assert exports(schedules_run_due(now=down_until)) == []  # a second tick finds nothing more to do
    export = Schedule.objects.get(name=schedule.EXPORT)
    assert missed.slot == local(2027, 3, 5, 6, 0)
    assert export.next_run_at == local(2027, 3, 20, 6, 0)
    ScheduledRun.objects.filter(pk=missed.pk).update(next_attempt_at=timezone.now())
    run_jobs()

    [export_pass] = SyncPass.objects.filter(name=PASS_ALL)
    assert export_pass.trigger == Trigger.SCHEDULE
    assert [x["DocNumber"] for x in qbo_invoices(quickbooks)] == [invoice.number]
    assert ScheduledRun.objects.filter(schedule__name=schedule.EXPORT).count() == 1


@SANDBOX_DB
def test_february_runs_the_export_on_its_last_day(new_york, quickbooks):
    config.enable(quickbooks.connection)
    Schedule.objects.filter(name=schedule.EXPORT).update(next_run_at=local(2027, 2, 25, 6, 0))
    [on_25th] = exports(schedules_run_due(now=local(2027, 2, 25, 6, 0)))
    export = Schedule.objects.get(name=schedule.EXPORT)
    assert export.next_run_at == local(2027, 2, 28, 6, 0)
    [on_28th] = exports(schedules_run_due(now=export.next_run_at))
    export.refresh_from_db()
    assert export.next_run_at == local(2027, 3, 5, 6, 0)
    assert (on_25th.slot, on_28th.slot) == (local(2027, 2, 25, 6, 0), local(2027, 2, 28, 6, 0))
