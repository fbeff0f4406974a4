"""The scheduled invoice export (the seed: "our system will check on the 5th, 10th, 15th, 20th, 25th, and
30th of each month and export the pending invoices it finds"), at the time of day the business chose,
in its workspace's time zone. Declared on connect and again whenever the business changes the time.
February has no 30th: the issue wants that run on February's last day (28th, or 29th in a leap year)
rather than a gap of ten days, so the rule moves a missing day to the month's last one."""

from hubwire.integrations.quickbooks.changes import SCHEDULE as READ_CHANGES
from hubwire.integrations.quickbooks.config import config_of
from hubwire.sync.rules import MonthDays, ScheduleSpec
from hubwire.sync.schedules import schedules_declare

EXPORT = "quickbooks.export"
EXPORT_DAYS = (5, 10, 15, 20, 25, 30)


def export_spec(connection) -> ScheduleSpec:
    return ScheduleSpec(EXPORT, "Export pending invoices to QuickBooks",
                        MonthDays(EXPORT_DAYS, at=config_of(connection).export_at, last_day_when_short=True))


def declare(connection) -> None:
    """(Re)declare the workspace's QuickBooks schedules from its current choices."""
    # The export, and (qbo-inbound) the hourly read of QuickBooks' changes, for a notification that never came.
    schedules_declare(workspace=connection.workspace, provider="quickbooks",
                      specs=[export_spec(connection), READ_CHANGES])
