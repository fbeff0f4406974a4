"""Exporting hubwire invoices to QuickBooks Online (issue 18, items 3–5): the two passes, what asks
for them, and what the tab's invoices section shows.

Both passes run one engine (invoice_export.py) over the ledger's waiting invoice rows:
- "quickbooks.invoices" exports everything waiting: the scheduled export (days 5, 10, 15, 20, 25 and
  30 at the business's time; February's 30th on its last day) and Sync All Invoices. It first lists
  every issued invoice created since the integration was enabled that has no ledger row yet, then
  asks for all waiting rows (Sync All, "everything unsynced", failed ones too).
- "quickbooks.invoices.follow" sends what should not wait for the schedule: a change or void of an
  invoice already in QuickBooks, Export now on an invoice's page, Retry on the sync panel.

A newly issued invoice is listed at once (the tab counts it) and waits for the next export day, as
the seed describes ("export the pending invoices it finds" on those days). Invoices created before
the integration was enabled are never listed, and never sent whatever lists them (invoice_ledger).
Payments are another part's: an invoice paid in hubwire is left alone here."""

from __future__ import annotations

import calendar
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from hubwire.crm.models import Invoice, InvoiceStatus
from hubwire.integrations.health import record_failure, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection
from hubwire.integrations.quickbooks import schedule
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.quickbooks.config import config_of
from hubwire.integrations.quickbooks.invoice_export import InvoiceExport
from hubwire.integrations.quickbooks.invoice_ledger import (
    CUSTOMER_KIND,
    EXPORTING,
    KIND,
    PROVIDER,
    SENDING_CHANGE,
    WAITING_FOR_SCHEDULE,
    export_connection,
    invoice_rows,
    not_exportable,
)
from hubwire.integrations.ratelimit import RateLimitWaitTooLong
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.jobs.models import JobStatus, RetryLater
from hubwire.sync.ledger import BUSY_RETRY_SECONDS
from hubwire.sync.models import Schedule, SyncPass, SyncRecord, SyncRun, SyncStatus, Trigger
from hubwire.sync.passes import queue_pass
from hubwire.sync.registry import pass_handler, schedule_handler
from hubwire.sync.rules import MonthDays, zone_of
from hubwire.sync.runs import sync_run

PASS_ALL = "quickbooks.invoices"
PASS_FOLLOW = "quickbooks.invoices.follow"
TITLES = {PASS_ALL: "Export all pending invoices to QuickBooks", PASS_FOLLOW: "Send invoices to QuickBooks"}
LIST_PAGE = 1000  # invoices listed per INSERT when a pass lists the unlisted ones
# QuickBooks' limits are per minute; a 429 that says nothing of when waits that long.
THROTTLE_PAUSE_SECONDS = 60.0


class NotNow(Exception):
    """An invoice cannot be exported from here now; the message says why, in words."""


# --- asking for a pass: no provider calls, in the caller's transaction --------------------------------

def invoices_export_all(workspace, *, trigger: str) -> SyncPass:
    return queue_pass(workspace, PROVIDER, PASS_ALL, title=TITLES[PASS_ALL], trigger=trigger)


def invoices_follow(workspace, *, trigger: str = Trigger.CHANGE) -> SyncPass:
    return queue_pass(workspace, PROVIDER, PASS_FOLLOW, title=TITLES[PASS_FOLLOW], trigger=trigger)


def _lease_free(now) -> Q:
    return Q(busy_until=None) | Q(busy_until__lt=now)


def _ask(record: SyncRecord, *, trigger: str, reason: str) -> bool:
    """Make the row wait for the next follow pass, unless a pass holds it right now (False): what that
    pass writes when it lets go would overwrite the request."""
    now = timezone.now()
    return bool(SyncRecord.objects.filter(pk=record.pk).filter(_lease_free(now)).update(
        status=SyncStatus.PENDING, requested_by=trigger, reason=reason, updated_at=now))


def invoice_export_now(*, invoice: Invoice, trigger: str = Trigger.BUTTON) -> str:
    """Export now (the invoice's page) or Retry (the sync panel): the invoice goes with the next
    follow pass, queued now. Raises NotNow with the reason when it cannot go."""
    connection = export_connection(invoice.workspace)
    if connection is None:
        raise NotNow("QuickBooks is not connected, or its invoice export is not enabled on the QuickBooks tab.")
    record = invoice_rows(invoice.workspace).filter(local_id=invoice.pk).first()
    exported = record is not None and bool(record.external_id or record.create_started_at)
    if not exported:
        why = not_exportable(invoice, config_of(connection), zone_of(invoice.workspace))
        if why:
            raise NotNow(why)
    with transaction.atomic():
        if record is None:
            record = _list(invoice, trigger=trigger, reason=EXPORTING)
        elif not _ask(record, trigger=trigger, reason=SENDING_CHANGE if record.external_id else EXPORTING):
            return f"{invoice.number} is being sent to QuickBooks right now."
        invoices_follow(invoice.workspace, trigger=trigger)
    return f"{invoice.number} is on its way to QuickBooks."


def _list(invoice: Invoice, *, trigger: str, reason: str) -> SyncRecord:
    try:
        with transaction.atomic():
            return SyncRecord.objects.create(workspace=invoice.workspace, provider=PROVIDER, kind=KIND,
                                             local_id=invoice.pk, requested_by=trigger, reason=reason)
    except IntegrityError:  # listed meanwhile by a pass or an event
        record = invoice_rows(invoice.workspace).get(local_id=invoice.pk)
        _ask(record, trigger=trigger, reason=reason)
        return record


def invoice_changed(*, connection: Connection, invoice: Invoice) -> str:
    """An invoice event: list a newly issued invoice for the next export; send the change or void of
    one already in QuickBooks. Raises RetryLater while a pass holds its row."""
    config = config_of(connection)
    if invoice.created_at < config.enabled_since:
        return "created before the integration was enabled: never exported"
    record = invoice_rows(invoice.workspace).filter(local_id=invoice.pk).first()
    if record is None:
        if invoice.status != InvoiceStatus.PENDING:
            return "not issued: nothing to export"
        SyncRecord.objects.bulk_create([SyncRecord(workspace=invoice.workspace, provider=PROVIDER, kind=KIND,
                                                   local_id=invoice.pk, reason=WAITING_FOR_SCHEDULE)],
                                       ignore_conflicts=True)
        return "listed for the next export"
    if not (record.external_id or record.create_started_at):
        if invoice.status != InvoiceStatus.VOID:
            return "waiting for the next export"
        # Voided before it was ever sent: it leaves the export, unless a pass is sending it right now.
        gone, _ = SyncRecord.objects.filter(pk=record.pk, external_id="", create_started_at=None) \
            .filter(_lease_free(timezone.now())).delete()
        if gone:
            return "voided before it was exported: dropped"
        raise RetryLater("a pass is sending this invoice right now", after_seconds=BUSY_RETRY_SECONDS)
    if record.status == SyncStatus.REMOVED:
        return "deleted in QuickBooks: waiting for someone to press Retry"
    if not _ask(record, trigger=Trigger.CHANGE, reason=SENDING_CHANGE):
        raise RetryLater("a pass is sending this invoice right now", after_seconds=BUSY_RETRY_SECONDS)
    invoices_follow(invoice.workspace)
    return "change queued"


def invoices_waiting_resume(*, workspace) -> SyncPass | None:
    """Send what waited for QuickBooks (a customer linked at last, a reconnection): the follow pass
    takes every waiting row someone already asked to export, and every change."""
    waiting = invoice_rows(workspace).filter(status=SyncStatus.PENDING).filter(
        ~Q(external_id="") | ~Q(requested_by=Trigger.CHANGE) | Q(create_started_at__isnull=False))
    return invoices_follow(workspace, trigger=Trigger.CONNECT) if waiting.exists() else None


# --- the passes ----------------------------------------------------------------------------------

@pass_handler(PASS_ALL)
def export_all(sync_pass: SyncPass) -> str:
    return _run(sync_pass, list_all=True)


@pass_handler(PASS_FOLLOW)
def export_follow(sync_pass: SyncPass) -> str:
    return _run(sync_pass, list_all=False)


def _run(sync_pass: SyncPass, *, list_all: bool) -> str:
    workspace = sync_pass.workspace
    with sync_run(workspace=workspace, provider=PROVIDER, what=KIND, trigger=sync_pass.trigger) as run:
        connection = export_connection(workspace)
        if connection is None:
            why = "QuickBooks is not connected, or its invoice export is not enabled: invoices wait for it."
            run.wait(why)
            return why
        if list_all:
            _ask_for_everything(connection, trigger=sync_pass.trigger)
        provider = PROVIDERS[PROVIDER]
        try:
            with company_api(connection) as qbo:
                outcome = InvoiceExport(sync_pass=sync_pass, connection=connection, qbo=qbo, run=run).run_pass()
        except NeedsReconnect as exc:
            run.wait(str(exc))
            return str(exc)
        except RateLimitWaitTooLong as exc:
            raise RetryLater(f"QuickBooks' batch limit: the export goes on in {exc.wait:.0f} s",
                             after_seconds=exc.wait) from None
        except ProviderError as exc:
            if exc.status == 429:  # QuickBooks' limits: the pass waits; no record is failed for it
                raise RetryLater(str(exc), after_seconds=exc.retry_after or THROTTLE_PAUSE_SECONDS) from None
            record_failure(provider, connection, f"invoice export: {exc}")
            raise
        except Exception as exc:
            record_failure(provider, connection, f"invoice export: {exc}")
            raise
        record_success(connection)
        return outcome


def _ask_for_everything(connection: Connection, *, trigger: str) -> None:
    """List the issued invoices created since enabling that have no row yet (a page of INSERTs at a
    time), then ask for every waiting row; Sync All ("everything unsynced") asks for failed ones too."""
    workspace, since = connection.workspace, config_of(connection).enabled_since
    listed = invoice_rows(workspace).values("local_id")
    unlisted = Invoice.objects.filter(workspace=workspace, status=InvoiceStatus.PENDING, created_at__gte=since) \
        .exclude(pk__in=listed).order_by("pk")
    after = 0
    while pks := list(unlisted.filter(pk__gt=after).values_list("pk", flat=True)[:LIST_PAGE]):
        SyncRecord.objects.bulk_create([SyncRecord(workspace=workspace, provider=PROVIDER, kind=KIND, local_id=pk,
                                                   requested_by=trigger, reason=EXPORTING) for pk in pks],
                                       ignore_conflicts=True)
        after = pks[-1]
    statuses = [SyncStatus.PENDING] + ([SyncStatus.FAILED] if trigger == Trigger.BUTTON else [])
    invoice_rows(workspace).filter(status__in=statuses).update(status=SyncStatus.PENDING, requested_by=trigger)


@schedule_handler(schedule.EXPORT)
def scheduled_export(export_schedule: Schedule) -> str:
    """The export days: the export-everything pass, queued (it coalesces with a Sync All waiting)."""
    if export_connection(export_schedule.workspace) is None:
        return "Nothing exported: QuickBooks is not connected, or its invoice export is not enabled."
    invoices_export_all(export_schedule.workspace, trigger=Trigger.SCHEDULE)
    return "Queued the export of pending invoices to QuickBooks."


# --- the tab's invoices section ----------------------------------------------------------------------

def section_context(connection: Connection, *, now: datetime | None = None) -> dict:
    """What quickbooks/_invoices.html shows under `tab.invoices`: the counts, what is under way, the
    next scheduled export and what February does with the 30th, and the last export."""
    workspace, config, zone = connection.workspace, config_of(connection), zone_of(connection.workspace)
    now = now or timezone.now()
    rows = invoice_rows(workspace)
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    since = config.enabled_since
    unlisted = 0
    if config.enabled and since:
        unlisted = Invoice.objects.filter(workspace=workspace, status=InvoiceStatus.PENDING, created_at__gte=since) \
            .exclude(pk__in=rows.values("local_id")).count()
    linked = SyncRecord.objects.filter(workspace=workspace, provider=PROVIDER, kind=CUSTOMER_KIND) \
        .exclude(external_id="").exclude(status=SyncStatus.REMOVED).values("local_id")
    for_linked = Invoice.objects.filter(workspace=workspace, account_id__in=linked).values("pk")
    waiting_for_customers = rows.filter(status=SyncStatus.PENDING, external_id="").exclude(local_id__in=for_linked) \
        .count()
    export = Schedule.objects.filter(workspace=workspace, provider=PROVIDER, name=schedule.EXPORT).first()
    under_way = SyncPass.objects.filter(workspace=workspace, provider=PROVIDER, name__in=list(TITLES),
                                        status__in=[JobStatus.PENDING, JobStatus.RUNNING]).order_by("created_at")
    failed = counts.get(SyncStatus.FAILED, 0) + counts.get(SyncStatus.REMOVED, 0)
    return {
        "exported": counts.get(SyncStatus.SYNCED, 0),
        "waiting": counts.get(SyncStatus.PENDING, 0),
        "waiting_for_customers": waiting_for_customers,
        "failed": failed,
        "unsynced": counts.get(SyncStatus.PENDING, 0) + failed + unlisted,
        "enabled_since": since.astimezone(zone) if since else None,
        "zone": zone.key,
        "next_export": export.next_run_at.astimezone(zone) if export and export.enabled else None,
        "february": february_words(export.rule, now.astimezone(zone)) if export else "",
        "under_way": list(under_way[:2]),
        "last_run": SyncRun.objects.filter(workspace=workspace, provider=PROVIDER, what=KIND)
        .exclude(finished_at=None).order_by("-started_at", "-id").first(),
    }


def february_words(rule, today: datetime) -> str:
    """The issue: "in February the last run is on the month's last day — say so"."""
    if not isinstance(rule, MonthDays) or not rule.last_day_when_short or max(rule.days) <= 28:
        return ""
    year = today.year if today.month <= 2 else today.year + 1
    last_day = calendar.monthrange(year, 2)[1]
    moved = " and ".join(f"{day}{'st' if day == 31 else 'th'}" for day in rule.days if day > last_day)
    return (f"February has no {moved}: its last export runs on {last_day} February {year} at "
            f"{rule.at:%H:%M}{' (a leap year)' if last_day == 29 else ''}.")
