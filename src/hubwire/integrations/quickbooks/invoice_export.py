"""One pass of the invoice export: the ledger's waiting invoice rows sent to QuickBooks in batches.

Order of work, and why:
1. **Found again first.** Rows whose create was sent (marker + create_started_at written before the
   request) but never answered, because the worker died or the answer was lost, are looked up
   before anything new is created: by DocNumber (`WHERE DocNumber IN (…)`, the customer checked),
   then by re-sending their batch with the same `requestid`, which QuickBooks answers from its first
   run instead of creating again. An invoice missing from that first answer was never in it, and
   goes the ordinary way.
2. **Then the rest, a batch at a time** (at most BATCH_SIZE operations, through api.batch and its
   shared bucket): the rows of a page are leased, their invoices read *after* the lease (so an edit
   made meanwhile waits for the lease and is sent by the next pass, never lost), the creates
   marked with the batch's requestid and sent, then the changes (sparse update, or void) sent.
   A 5010 (stale SyncToken) is re-read and sent once more; 610 marks the row removed; 2500 failed,
   in words that say which reference QuickBooks refused.

A 429 or a too-long wait for the batch bucket ends the pass with RetryLater: no record is marked
failed by QuickBooks' limits. A batch a worker died holding waits for its lease
(HUBWIRE_QUICKBOOKS_LEASE_SECONDS) and is then found again as in 1."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from hubwire.crm.models import Invoice, InvoiceStatus
from hubwire.integrations.http import ProviderError
from hubwire.integrations.quickbooks import api
from hubwire.integrations.quickbooks.api import fault_of, quoted
from hubwire.integrations.quickbooks.config import config_of
from hubwire.integrations.quickbooks.errors import KNOWN
from hubwire.integrations.quickbooks.invoice_fields import NotExportable, held_fields, invoice_fields
from hubwire.integrations.quickbooks.invoice_ledger import (
    EXPORTING,
    SENDING_CHANGE,
    customer_ids,
    invoice_rows,
    not_exportable,
    waiting_for_customer,
)
from hubwire.integrations.quickbooks.service_item import (
    ItemUnavailable,
    forget_service_item,
    service_item_id,
)
from hubwire.integrations.ratelimit import RateLimitWaitTooLong
from hubwire.jobs.models import RetryLater
from hubwire.sync.ledger import changed_fields, new_marker
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus, Trigger
from hubwire.sync.passes import progress
from hubwire.sync.rules import zone_of

STALE = "5010"
GONE = "610"
INVALID_REFERENCE = "2500"
# What a pass writes on a row; the lease holder's own fields, never requested_by (a new request).
WRITTEN = ["status", "reason", "external_id", "version", "synced", "marker", "create_started_at", "busy_until",
           "synced_at", "matched_by", "updated_at"]


@dataclass
class Operation:
    """One batch item for one ledger row, and what the row's snapshot becomes when it succeeds."""

    record: SyncRecord
    invoice: Invoice | None
    item: dict
    wanted: dict

    @property
    def bid(self) -> str:
        return self.item["bId"]


class InvoiceExport:
    def __init__(self, *, sync_pass, connection, qbo, run):
        self.sync_pass, self.connection, self.qbo, self.run = sync_pass, connection, qbo, run
        self.workspace = connection.workspace
        self.config = config_of(connection)
        self.zone = zone_of(self.workspace)
        self.batch_size = api.limit("BATCH_SIZE")
        self.lease = timedelta(seconds=settings.HUBWIRE_QUICKBOOKS_LEASE_SECONDS)
        self._item_id: str | None = None
        self._item_problem = ""
        self.held_elsewhere: list[int] = []
        self.found_again = self.sent_again = self.done = self.total = 0
        self.waiting: set[int] = set()  # rows left pending (a customer not linked yet, a passing fault)
        self.follow_up = False
        self._writes: list[SyncRecord] = []
        self._deletes: list[int] = []

    # --- the pass ------------------------------------------------------------------------------

    def run_pass(self) -> str:
        pending = invoice_rows(self.workspace).filter(status=SyncStatus.PENDING)
        unanswered = pending.filter(external_id="", create_started_at__isnull=False)
        # Exported rows with a change, and rows someone asked to export (a schedule, a button); rows a
        # change merely listed wait for those (the seed's export days).
        due = pending.filter(create_started_at__isnull=True).filter(
            ~Q(external_id="") | ~Q(requested_by=Trigger.CHANGE))
        self.total = unanswered.count() + due.count()
        self._progress()
        for marker in sorted(set(unanswered.values_list("marker", flat=True))):
            self._leased(list(unanswered.filter(marker=marker).values_list("pk", flat=True)), self._find_again,
                         marker)
        for _ in range(2):  # a second sweep only for what this one left to send (_created)
            self.follow_up, after = False, 0
            while pks := list(due.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:self.batch_size]):
                after = pks[-1]
                self._leased(pks, self._export)
            if not self.follow_up:
                break
        if self.held_elsewhere:
            held = SyncRecord.objects.filter(pk__in=self.held_elsewhere)
            until = held.aggregate(until=Min("busy_until"))["until"]
            wait = max((until - timezone.now()).total_seconds(), 1.0) if until else 1.0
            raise RetryLater(f"{len(self.held_elsewhere)} invoice(s) are being sent by another worker; "
                             "this pass goes on when they are free", after_seconds=wait)
        return self.summary()

    def summary(self) -> str:
        words = [self.run.counts_in_words]
        if self.found_again:
            words.append(f"{self.found_again} found again by number after an unanswered create")
        if self.sent_again:
            words.append(f"{self.sent_again} sent again with the requestid of an unanswered create")
        if self.waiting:
            words.append(f"{len(self.waiting)} waiting")
        return "; ".join(words)

    def _progress(self) -> None:
        progress(self.sync_pass, done=min(self.done, self.total), total=self.total)

    def _leased(self, pks: list[int], work, *args) -> None:
        """Claim the rows no other worker holds (a stamp of our own in busy_until says which we won),
        do `work` on them, and write what it decided; rows left unwritten are let go."""
        now = timezone.now()
        stamp = now + self.lease + timedelta(microseconds=random.randint(0, 999_999))
        free = Q(busy_until=None) | Q(busy_until__lt=now)
        SyncRecord.objects.filter(pk__in=pks).filter(free).update(busy_until=stamp)
        records = list(SyncRecord.objects.filter(pk__in=pks, busy_until=stamp).order_by("pk"))
        mine = {record.pk for record in records}
        self.held_elsewhere += [pk for pk in pks if pk not in mine]
        try:
            if records:
                work(records, *args)
        finally:
            self._flush()
            SyncRecord.objects.filter(pk__in=mine, busy_until=stamp).update(busy_until=None)
        self.done += len(pks)
        self._progress()

    def _flush(self) -> None:
        with transaction.atomic():
            if self._writes:
                _write_rows(self._writes)
            if self._deletes:
                SyncRecord.objects.filter(pk__in=self._deletes).delete()
        self._writes, self._deletes = [], []

    # --- reading what a page needs ---------------------------------------------------------------

    def item_id(self) -> str:
        """The service item's Id, looked up once a pass; an item QuickBooks cannot give fails each row
        that needs it, with what to do (NotExportable), and is asked for once only."""
        if self._item_problem:
            raise NotExportable(self._item_problem)
        if self._item_id is None:
            try:
                self._item_id = service_item_id(self.connection, self.qbo, self.config.item_name)
            except ItemUnavailable as exc:
                self._item_problem = str(exc)
                raise NotExportable(self._item_problem) from None
        return self._item_id

    def _invoices(self, records: list[SyncRecord]) -> dict[int, Invoice]:
        found = Invoice.objects.filter(workspace=self.workspace, pk__in=[r.local_id for r in records]) \
            .select_related("account").prefetch_related("lines")
        return {invoice.pk: invoice for invoice in found}

    def _fields(self, invoice: Invoice, customer_id: str) -> dict:
        return invoice_fields(invoice, customer_id=customer_id, item_id=self.item_id(), tax=self.config.tax,
                              zone=self.zone)

    # --- 1. creates that may have happened unseen --------------------------------------------------

    def _find_again(self, records: list[SyncRecord], marker: str) -> None:
        invoices = self._invoices(records)
        customers = customer_ids(self.workspace, {i.account_id for i in invoices.values()})
        by_number = self._by_doc_number({i.number for i in invoices.values()})
        resend: list[Operation] = []
        for record in records:
            invoice = invoices.get(record.local_id)
            if invoice is None:
                self._fail(record, "This invoice was deleted in hubwire while it was being exported; look for it in "
                                   "QuickBooks and delete it there if it arrived.")
                continue
            customer_id = customers.get(invoice.account_id)
            if customer_id is None:  # the batch cannot be rebuilt: its requestid is kept for later
                self._wait(record, waiting_for_customer(invoice.account))
                continue
            remote = next((r for r in by_number.get(invoice.number, [])
                           if (r.get("CustomerRef") or {}).get("value") == customer_id), None)
            try:
                wanted = self._fields(invoice, customer_id)
            except NotExportable as exc:
                if remote is not None:  # found; what it should say is settled once the problem is
                    self._created(record, remote, held_fields(remote))
                    self.found_again += 1
                else:  # cannot be re-sent as it was: its requestid is kept until it can
                    self._wait(record, str(exc))
                continue
            if remote is not None:
                self._created(record, remote, wanted)
                self.found_again += 1
            else:
                resend.append(Operation(record, invoice, _create_item(record, wanted), wanted))
        if not resend:
            return
        if not marker:  # a row marked as sent with no requestid (not by this code): one of its own from now on
            marker = new_marker()
            SyncRecord.objects.filter(pk__in=[op.record.pk for op in resend]).update(marker=marker)
            for op in resend:
                op.record.marker = marker
        # The same requestid: QuickBooks answers a batch it already ran from that run, and runs one it
        # never received now. Either way each invoice exists once.
        answers = self.qbo.batch([op.item for op in resend], requestid=marker)
        for op in resend:
            answer = answers.get(op.bid)
            if answer is None:  # the requestid's first run did not carry it, so it created nothing
                op.record.marker, op.record.create_started_at = "", None
                self._wait(op.record, EXPORTING)
            elif "Invoice" in answer:  # QuickBooks' first answer, or made now: which, it does not say
                self._created(op.record, answer["Invoice"], op.wanted)
                self.sent_again += 1
            else:
                self._create_refused(op, answer)

    def _by_doc_number(self, numbers: set[str]) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        if not numbers:
            return found
        listed = ", ".join(quoted(n) for n in sorted(numbers))
        remotes = list(self.qbo.query(f"SELECT * FROM Invoice WHERE DocNumber IN ({listed})"))
        # One hubwire invoice per QuickBooks invoice: an Id already linked is somebody else's.
        linked = set(invoice_rows(self.workspace).filter(external_id__in=[str(r["Id"]) for r in remotes])
                     .values_list("external_id", flat=True))
        for remote in remotes:
            if str(remote["Id"]) not in linked:
                found[remote.get("DocNumber")].append(remote)
        return found

    # --- 2. a page of due rows -------------------------------------------------------------------

    def _export(self, records: list[SyncRecord]) -> None:
        invoices = self._invoices(records)
        customers = customer_ids(self.workspace, {i.account_id for i in invoices.values()})
        creates, changes = [], []
        for record in records:
            invoice = invoices.get(record.local_id)
            if record.external_id:
                op = self._change_of(record, invoice, customers)
                changes += [op] if op else []
            else:
                op = self._create_of(record, invoice, customers)
                creates += [op] if op else []
        if creates:
            self._send_creates(creates)
        if changes:
            self._send_changes(changes)

    def _create_of(self, record: SyncRecord, invoice: Invoice | None, customers: dict) -> Operation | None:
        if invoice is None:
            self._deletes.append(record.pk)
            return None
        why = not_exportable(invoice, self.config, self.zone)
        if why:
            # Not part of the export (void or draft now, or from before enabling, however the row came):
            # the row goes, and a row for an old invoice is said on the run, since nothing should make one.
            self._deletes.append(record.pk)
            if invoice.created_at < (self.config.enabled_since or invoice.created_at):
                self.run.error(why)
            return None
        customer_id = customers.get(invoice.account_id)
        if customer_id is None:
            self._wait(record, waiting_for_customer(invoice.account))
            return None
        try:
            wanted = self._fields(invoice, customer_id)
        except NotExportable as exc:
            self._fail(record, str(exc))
            return None
        return Operation(record, invoice, _create_item(record, wanted), wanted)

    def _change_of(self, record: SyncRecord, invoice: Invoice | None, customers: dict) -> Operation | None:
        if invoice is None:
            self._fail(record, f"This invoice was deleted in hubwire; QuickBooks invoice {record.external_id} was "
                               "left as it is.")
            return None
        reference = {"Id": record.external_id, "SyncToken": record.version}
        if invoice.status == InvoiceStatus.VOID:
            if record.synced.get("voided"):
                self._in_step(record)
                return None
            item = {"bId": str(record.pk), "operation": "update", "optionsData": "void", "Invoice": reference}
            return Operation(record, invoice, item, {**record.synced, "voided": True})
        # An account unlinked since keeps the customer its invoice went to.
        customer_id = customers.get(invoice.account_id) or (record.synced.get("CustomerRef") or {}).get("value", "")
        try:
            wanted = self._fields(invoice, customer_id)
        except NotExportable as exc:
            self._fail(record, str(exc))
            return None
        changes = changed_fields(record, wanted)
        if not changes:
            self._in_step(record)
            return None
        item = {"bId": str(record.pk), "operation": "update", "Invoice": {**reference, "sparse": True, **changes}}
        return Operation(record, invoice, item, {**record.synced, **wanted})

    def _send_creates(self, ops: list[Operation]) -> None:
        # The requestid is on the rows before the request leaves: whatever happens next, the next
        # pass knows these creates may have happened and finds them again (step 1).
        marker, now = new_marker(), timezone.now()
        pks = [op.record.pk for op in ops]
        SyncRecord.objects.filter(pk__in=pks).update(marker=marker, create_started_at=now)
        for op in ops:
            op.record.marker, op.record.create_started_at = marker, now
        try:
            answers = self.qbo.batch([op.item for op in ops], requestid=marker)
        except RateLimitWaitTooLong:  # raised before anything was sent: nothing to find again
            SyncRecord.objects.filter(pk__in=pks, marker=marker).update(marker="", create_started_at=None)
            raise
        except ProviderError as exc:
            if exc.status == 400 and not exc.retryable:  # the whole batch refused: nothing was created
                for op in ops:
                    op.record.marker, op.record.create_started_at = "", None
                    self._fail(op.record, str(exc))
                return
            raise
        for op in ops:
            answer = answers.get(op.bid)
            if answer is None:
                continue  # no word on it: it stays marked, and the next pass finds it again
            if "Invoice" in answer:
                self._created(op.record, answer["Invoice"], op.wanted)
            else:
                self._create_refused(op, answer)

    def _send_changes(self, ops: list[Operation], *, stale_retry: bool = True) -> None:
        answers = self.qbo.batch([op.item for op in ops], requestid=new_marker())
        stale = []
        for op in ops:
            answer = answers.get(op.bid)
            if answer is None:
                self._wait(op.record, "QuickBooks did not answer for this invoice; hubwire tries again.")
            elif "Invoice" in answer:
                remote = answer["Invoice"]
                op.record.version = str(remote.get("SyncToken", op.record.version))
                op.record.synced = op.wanted
                self._in_step(op.record)
                self.run.updated += 1
            else:
                problem = fault_of(self.qbo.provider, answer)
                if problem.code == STALE and stale_retry:
                    stale.append(op)
                else:
                    self._refused(op.record, op.invoice, problem, answer)
        if stale:
            self._send_changes(self._with_current_tokens(stale), stale_retry=False)

    def _with_current_tokens(self, ops: list[Operation]) -> list[Operation]:
        """5010: QuickBooks has a newer version. Read the current SyncTokens (one query for all) and
        send the same changes on them; hubwire's fields win, the others were never sent."""
        ids = ", ".join(quoted(op.record.external_id) for op in ops)
        current = {str(r["Id"]): r for r in self.qbo.query(f"SELECT * FROM Invoice WHERE Id IN ({ids})")}
        again = []
        for op in ops:
            remote = current.get(op.record.external_id)
            if remote is None:
                self._removed(op.record, KNOWN[GONE][0])
                continue
            op.record.version = str(remote["SyncToken"])
            op.item["Invoice"]["SyncToken"] = op.record.version
            again.append(op)
        return again

    # --- what a row becomes ----------------------------------------------------------------------

    def _create_refused(self, op: Operation, answer: dict) -> None:
        # A Fault created nothing; a new attempt carries a new requestid (the old one would be answered
        # with this Fault again).
        op.record.marker, op.record.create_started_at = "", None
        self._refused(op.record, op.invoice, fault_of(self.qbo.provider, answer), answer)

    def _refused(self, record: SyncRecord, invoice: Invoice | None, problem: ProviderError, answer: dict) -> None:
        if problem.code == INVALID_REFERENCE:
            self._fail(record, self._reference_words(answer, invoice))
        elif problem.code == GONE:
            self._removed(record, KNOWN[GONE][0])
        elif problem.retryable:  # QuickBooks' limits or a passing fault: waits for the next pass
            self._wait(record, str(problem))
        else:
            self._fail(record, str(problem))

    def _reference_words(self, answer: dict, invoice: Invoice | None) -> str:
        """2500 names the element it refused: the customer, or the item of a line."""
        errors = (answer.get("Fault") or {}).get("Error") or [{}]
        element = str(errors[0].get("element", ""))
        if "ItemRef" in element:
            forget_service_item(self.connection)
            self._item_id = None
            return (f"QuickBooks refused the item “{self.config.item_name}” that invoice lines go to: it was deleted "
                    "or made inactive there. Press Retry and hubwire finds or creates it again, or choose another "
                    "item on the QuickBooks tab.")
        account = invoice.account.name if invoice is not None else "this account"
        return (f"QuickBooks refused the customer this invoice is for: it was deleted or made inactive in "
                f"QuickBooks. Reactivate it there, or connect {account} to another QuickBooks customer, then "
                "press Retry.")

    def _created(self, record: SyncRecord, remote: dict, wanted: dict) -> None:
        record.external_id, record.version = str(remote["Id"]), str(remote.get("SyncToken", "0"))
        record.create_started_at, record.matched_by = None, MatchedBy.CREATED
        self.run.created += 1
        held = held_fields(remote)
        if held == wanted:
            record.synced = wanted
            self._in_step(record)
        else:  # QuickBooks holds something else (it changed in hubwire meanwhile): sent in this pass
            record.synced = held
            self._wait(record, SENDING_CHANGE)
            self.follow_up = True

    def _in_step(self, record: SyncRecord) -> None:
        record.status, record.reason, record.synced_at = SyncStatus.SYNCED, "", timezone.now()
        self.waiting.discard(record.pk)
        self._write(record)

    def _wait(self, record: SyncRecord, why: str) -> None:
        record.status, record.reason = SyncStatus.PENDING, why
        self.waiting.add(record.pk)
        self._write(record)

    def _fail(self, record: SyncRecord, why: str) -> None:
        record.status, record.reason = SyncStatus.FAILED, why
        record.marker, record.create_started_at = "", None
        self.waiting.discard(record.pk)
        self.run.failed_record(record, why)
        self._write(record)

    def _removed(self, record: SyncRecord, why: str) -> None:
        """Deleted in QuickBooks: the link goes, so that Retry creates the invoice again."""
        record.status, record.reason = SyncStatus.REMOVED, why
        record.external_id, record.version, record.synced = "", "", {}
        record.marker, record.create_started_at = "", None
        self.run.removed += 1
        self.run.error(why, record=record)
        self._write(record)

    def _write(self, record: SyncRecord) -> None:
        record.busy_until, record.updated_at = None, timezone.now()
        self._writes.append(record)


def _create_item(record: SyncRecord, wanted: dict) -> dict:
    # The row's pk as the bId: the same in every re-send of the batch, so a replayed answer maps back.
    return {"bId": str(record.pk), "operation": "create", "Invoice": wanted}


def _write_rows(records: list[SyncRecord]) -> None:
    """One UPDATE per row, sent as one executemany: a batch's answers in a single round trip.
    (bulk_update's CASE WHEN over eleven fields cost more than the batch's HTTP call.)"""
    fields = [SyncRecord._meta.get_field(name) for name in WRITTEN]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(SyncRecord._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    rows = [[field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields] + [record.pk]
            for record in records]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
