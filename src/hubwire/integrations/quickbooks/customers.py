"""QuickBooks customers: every hubwire account is a QuickBooks Customer (issue 18, "Customers").

Each account has a row of the sync ledger (provider "quickbooks", kind "customer", the account's id
as its local id, the Customer's Id as its external id, the SyncToken as its version). The pass
"quickbooks.customers" (queued on connect, by "Connect customers", and by changes to accounts)
brings every waiting row in step:

- an account not connected yet is matched by email against the company's active customers, read
  once per pass (customer_index.py); one clear customer is linked, anything less clear waits for a
  person, and a customer is created when nobody has the email (customer_matching.py);
- creates and updates go in batches of up to 30 operations (Intuit's batch limit). A batch's
  `requestid` is written on its rows before it is sent, so a pass that died after sending re-sends
  that batch with the same `requestid` first and QuickBooks answers it again instead of creating
  anything twice;
- a linked account whose fields changed sends only those fields, as a sparse update on the
  SyncToken hubwire last saw; a stale SyncToken (5010) is read again and retried once; a customer
  gone in QuickBooks (610) is marked removed with the reason in words.

A person's choice on the account's page (customer_links.py) is never undone here: rows a person
linked are only updated, and a row a person unlinked stays unlinked. The database work is done in
chunks (rows leased, read and written together), so a pass over thousands of accounts costs a few
queries per 30 accounts, not one per account."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import batched

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from hubwire.crm.models import Account
from hubwire.integrations.health import record_failure, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.api import company_api, fault_of, limit, quoted
from hubwire.integrations.quickbooks.config import config_of
from hubwire.integrations.quickbooks.customer_fields import (DISPLAY_NAME, HOW, account_fields, create_body,
                                                             customer_body, distinguished)
from hubwire.integrations.quickbooks.customer_index import CustomerIndex, Known, read_index
from hubwire.integrations.quickbooks.customer_matching import Create, Later, Link, Planned, Wait, decide, suffix_note
from hubwire.integrations.quickbooks.errors import CUSTOMER_INACTIVE, KNOWN
from hubwire.integrations.quickbooks.invoices import invoices_waiting_resume
from hubwire.integrations.ratelimit import RateLimitWaitTooLong
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.jobs.models import RetryLater
from hubwire.sync.ledger import changed_fields, leased_many, new_marker
from hubwire.sync.models import MatchedBy, SyncPass, SyncRecord, SyncRun, SyncStatus, Trigger
from hubwire.sync.passes import progress, queue_pass
from hubwire.sync.registry import pass_handler
from hubwire.sync.runs import sync_run

PROVIDER, KIND = "quickbooks", "customer"
PASS = "quickbooks.customers"
TITLE = "Connect customers with QuickBooks"
WAITING = "Waiting to be matched with a QuickBooks customer by email."
# How many accounts the preview reads from the database at once (with their contacts).
PREVIEW_CHUNK = 500
CREATED = "Created in QuickBooks by hubwire."
FOUND_AGAIN = "Created in QuickBooks by hubwire (found again after an interrupted create)."
GONE, INACTIVE = KNOWN["610"][0], CUSTOMER_INACTIVE


# --- the connection ---------------------------------------------------------------------------------

def quickbooks_connection(workspace_id: int) -> Connection | None:
    return Connection.objects.filter(workspace_id=workspace_id, provider=PROVIDER, mode="").first()


def is_enabled(connection: Connection | None) -> bool:
    """Connected and turned on: the only state in which hubwire writes to the company."""
    return connection is not None and connection.status == ConnectionStatus.ACTIVE and config_of(connection).enabled


def not_ready_words(connection: Connection | None) -> str:
    if connection is None or connection.status in (ConnectionStatus.NOT_CONNECTED, ConnectionStatus.SETUP_INCOMPLETE):
        return "QuickBooks is not connected. Customers are connected as soon as it is."
    if connection.status == ConnectionStatus.NEEDS_ATTENTION:
        return f"QuickBooks needs attention: {connection.status_reason or 'reconnect it on its tab'}"
    return "The QuickBooks integration is turned off. Turn it on to connect customers."


# --- the ledger rows ----------------------------------------------------------------------------------

def customer_records(workspace_id: int):
    return SyncRecord.objects.filter(workspace_id=workspace_id, provider=PROVIDER, kind=KIND)


def customer_record(account: Account) -> SyncRecord | None:
    return customer_records(account.workspace_id).filter(local_id=account.pk).first()


def new_row(account_or_id, workspace_id: int, **fields) -> SyncRecord:
    local_id = getattr(account_or_id, "pk", account_or_id)
    return SyncRecord(workspace_id=workspace_id, provider=PROVIDER, kind=KIND, local_id=local_id,
                      status=SyncStatus.PENDING, reason=WAITING, **fields)


def rows_for_new_accounts(workspace_id: int) -> int:
    """A waiting row for every account that has none yet, in bulk (an event handler making one at
    the same moment wins: the unique constraint keeps one row per account)."""
    have = customer_records(workspace_id).filter(local_id__isnull=False).values("local_id")
    new_ids = Account.objects.filter(workspace_id=workspace_id).exclude(pk__in=have).values_list("pk", flat=True)
    made = 0
    for chunk in batched(new_ids.iterator(chunk_size=1000), 1000):
        made += len(SyncRecord.objects.bulk_create([new_row(pk, workspace_id) for pk in chunk], ignore_conflicts=True))
    return made


def customers_queue(workspace, *, trigger: str = Trigger.CHANGE) -> SyncPass:
    return queue_pass(workspace, PROVIDER, PASS, title=TITLE, trigger=trigger)


def connected_customer_ids(workspace_id: int, account_ids) -> dict[int, str]:
    """{account id: QuickBooks Customer Id} of these accounts that are connected (for invoices)."""
    linked = customer_records(workspace_id).filter(local_id__in=list(account_ids)).exclude(external_id="") \
        .exclude(status=SyncStatus.REMOVED)
    return dict(linked.values_list("local_id", "external_id"))


# --- one pass ---------------------------------------------------------------------------------------------

@dataclass
class Op:
    """One batch operation for one row: a create (all fields) or a sparse update (the changed ones)."""

    row: SyncRecord
    account: Account
    create: bool
    fields: dict
    display_name: str = ""
    note: str = ""
    attempt: int = 1          # a refused name (6240) or a stale SyncToken (5010) is retried once
    recovering: bool = False  # re-sent with the requestid of a create whose answer was lost

    def item(self) -> dict:
        if self.create:
            return {"bId": str(self.row.pk), "operation": "create",
                    "Customer": create_body(self.fields, self.display_name)}
        body = customer_body(self.fields, display_name=self.display_name or None)
        return {"bId": str(self.row.pk), "operation": "update",
                "Customer": {"Id": self.row.external_id, "SyncToken": self.row.version, "sparse": True, **body}}


@dataclass
class Tally:
    matched: int = 0
    created: int = 0
    found_again: int = 0
    updated: int = 0
    waiting: int = 0
    failed: int = 0
    removed: int = 0

    def words(self) -> str:
        parts = [f"{n} {what}" for n, what in (
            (self.matched, "matched by email"), (self.created, "created"),
            (self.found_again, "found again after an interrupted create"), (self.updated, "updated"),
            (self.waiting, "waiting for a person"), (self.failed, "failed"), (self.removed, "gone in QuickBooks"))
            if n]
        return (", ".join(parts) or "every customer was already in step").capitalize() + "."


# The row fields a pass writes (one bulk UPDATE a round; never busy_until, which the lease owns).
WRITTEN = ["external_id", "version", "status", "reason", "synced", "marker", "create_started_at", "matched_by",
           "synced_at", "updated_at"]


@dataclass
class CustomersPass:
    workspace_id: int
    qbo: object
    run: SyncRun
    tally: Tally = field(default_factory=Tally)
    _index: CustomerIndex | None = None
    taken_ids: set[str] = field(default_factory=set)
    touched: dict[int, SyncRecord] = field(default_factory=dict)

    @property
    def index(self) -> CustomerIndex:
        if self._index is None:  # read only when some account needs matching or creating
            self._index = read_index(self.qbo)
        return self._index

    # --- reading and writing rows -------------------------------------------------------------------

    def load(self, ids) -> tuple[list[SyncRecord], dict[int, Account]]:
        """The still-waiting rows among `ids` (read again under the lease: a person may have acted
        meanwhile) and their accounts with contacts. Rows whose account is gone are dropped."""
        rows = list(SyncRecord.objects.filter(pk__in=ids, status=SyncStatus.PENDING).order_by("pk"))
        accounts = Account.objects.filter(workspace_id=self.workspace_id, pk__in=[r.local_id for r in rows])
        by_id = {a.pk: a for a in accounts.prefetch_related("contacts")}
        orphans = [r.pk for r in rows if r.local_id not in by_id]
        if orphans:
            SyncRecord.objects.filter(pk__in=orphans).delete()
        return [r for r in rows if r.local_id in by_id], by_id

    def change(self, row: SyncRecord, **values) -> None:
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        self.touched[row.pk] = row

    def save(self) -> None:
        # A person linking another account to the same customer at this moment would make this
        # fail on the one-row-per-customer constraint: the pass fails and is retried, its creates
        # found again by their requestid, its links decided anew against the person's choice.
        if self.touched:
            SyncRecord.objects.bulk_update(list(self.touched.values()), WRITTEN)
            self.touched.clear()

    # --- outcomes of one row ------------------------------------------------------------------------

    def link(self, row: SyncRecord, account: Account, customer: Known, *, how: str, matched_by: str) -> None:
        """Linking never overwrites what the bookkeeper keeps in QuickBooks: the account's fields as
        they are now count as in step, and only later changes in hubwire are sent."""
        self.taken_ids.add(customer.id)
        self.change(row, external_id=customer.id, version=customer.sync_token, status=SyncStatus.SYNCED,
                    matched_by=matched_by, reason="", marker="", create_started_at=None, synced_at=timezone.now(),
                    synced={**account_fields(account), DISPLAY_NAME: customer.display_name, HOW: how})
        self.tally.matched += 1

    def waits(self, row: SyncRecord, why: str) -> None:
        self.change(row, status=SyncStatus.FAILED, reason=why)
        self.tally.waiting += 1
        self.run.failed_record(row, why)

    def failed(self, row: SyncRecord, why: str) -> None:
        self.change(row, status=SyncStatus.FAILED, reason=why, create_started_at=None)
        self.tally.failed += 1
        self.run.failed_record(row, why)

    def removed(self, row: SyncRecord, why: str) -> None:
        self.change(row, status=SyncStatus.REMOVED, reason=why)
        self.tally.removed += 1
        self.run.failed_record(row, why)

    # --- sending --------------------------------------------------------------------------------------

    def send(self, ops: list[Op], *, requestid: str = "") -> list[Op]:
        """One batch request; returns the operations to try once more (a refused name with a suffix,
        a stale SyncToken with the current one)."""
        requestid = requestid or new_marker()
        creates = [op for op in ops if op.create]
        if creates:  # written before the request goes: a pass that dies after sending finds these again
            now = timezone.now()
            for op in creates:
                self.change(op.row, marker=requestid, create_started_at=now, synced={DISPLAY_NAME: op.display_name},
                            reason=f"Creating “{op.display_name}” in QuickBooks…")
            self.save()
        answers = self.qbo.batch([op.item() for op in ops], requestid=requestid)
        again = []
        for op in ops:
            again += self.answered(op, answers.get(str(op.row.pk)))
        self.save()
        return again

    def send_all(self, ops: list[Op], *, requestid: str = "") -> None:
        while ops:
            ops, requestid = self.send(ops, requestid=requestid), ""

    def answered(self, op: Op, answer: dict | None) -> list[Op]:
        if answer is None:
            if op.recovering:  # this requestid's batch never held the row: its create never happened
                self.change(op.row, marker="", create_started_at=None, reason=WAITING)
            return []  # otherwise the row keeps its requestid, and the next pass asks again
        customer = answer.get("Customer")
        if customer:
            (self.created if op.create else self.updated)(op, customer)
            return []
        problem = fault_of(self.qbo.provider, answer) or ProviderError("QuickBooks answered without the customer.")
        if problem.code == "6240":
            return self.name_taken(op)
        if not op.create and problem.code == "5010":
            return self.stale(op)
        if not op.create and problem.code == "610":
            self.removed(op.row, GONE)
            return []
        self.failed(op.row, f"{problem} (QuickBooks did not {'create' if op.create else 'update'} the customer.)")
        return []

    def created(self, op: Op, customer: dict) -> None:
        known = self.index.add(customer)
        self.taken_ids.add(known.id)
        row = op.row
        if op.recovering:
            # The answer is the create's first one, with the fields as they were then: the row
            # stays pending with no fields in step, so this pass sends the account as it is now.
            self.change(row, external_id=known.id, version=known.sync_token, matched_by=MatchedBy.CREATED,
                        synced={DISPLAY_NAME: known.display_name, HOW: FOUND_AGAIN}, marker="",
                        create_started_at=None, reason="Sending the account's current details to QuickBooks…")
            self.tally.found_again += 1
            return
        self.change(row, external_id=known.id, version=known.sync_token, status=SyncStatus.SYNCED,
                    matched_by=MatchedBy.CREATED, marker="", create_started_at=None, reason="", synced_at=timezone.now(),
                    synced={**op.fields, DISPLAY_NAME: known.display_name, HOW: op.note or CREATED})
        self.tally.created += 1

    def updated(self, op: Op, customer: dict) -> None:
        row = op.row
        synced = {**row.synced, **op.fields, DISPLAY_NAME: customer.get("DisplayName", "")}
        if op.note:  # renamed onto a name someone else holds: the suffix is explained
            synced[HOW] = op.note
        self.change(row, version=str(customer.get("SyncToken", "")), synced=synced, synced_at=timezone.now(),
                    status=SyncStatus.SYNCED, reason="")
        if customer.get("Active") is False:
            self.removed(row, INACTIVE)
        else:
            self.tally.updated += 1

    def name_taken(self, op: Op) -> list[Op]:
        """6240: a customer, vendor or employee has the display name sent. A customer with this
        account's email is this account's customer (connected, not duplicated); anyone else's name
        gets the suffix once."""
        sent, email = op.display_name, account_fields(op.account)["email"]
        holder = self.index.named(sent) or self.customer_named(sent)
        if op.create and holder is not None and email and email in holder.emails and holder.id not in self.taken_ids:
            self.link(op.row, op.account, holder, matched_by=MatchedBy.CREATED if op.recovering else MatchedBy.AUTOMATIC,
                      how=f"QuickBooks already had a customer named “{sent}” with this account's email, so hubwire "
                          "connected it instead of creating another.")
            return []
        if op.attempt > 1:
            self.failed(op.row, f"{KNOWN['6240'][0]} (QuickBooks refused “{sent}”.)")
            return []
        base = op.fields.get("name") or op.account.name

        def taken(name: str) -> bool:
            return self.index.named(name) is not None or name.casefold() == sent.casefold()

        other = distinguished(base, email, taken)
        return [replace(op, display_name=other, note=suffix_note(base, other), attempt=2, recovering=False)]

    def customer_named(self, name: str) -> Known | None:
        """A customer made since the index was read (or inactive) may hold the name: ask QuickBooks."""
        for customer in self.qbo.query(f"SELECT * FROM Customer WHERE DisplayName = {quoted(name)}", page_size=10):
            return Known.of(customer)
        return None

    def stale(self, op: Op) -> list[Op]:
        """5010: the customer changed in QuickBooks since hubwire read it. Read its SyncToken again
        and send the same changed fields once more (only those: the bookkeeper's other edits stay)."""
        if op.attempt > 1:
            self.failed(op.row, "This customer was changed in QuickBooks again while hubwire was sending the "
                                "account's changes, so QuickBooks refused them as out of date twice. Press Retry "
                                "to send them once more.")
            return []
        try:
            current = self.qbo.read("Customer", op.row.external_id)
        except ProviderError as exc:
            if exc.code == "610":
                self.removed(op.row, GONE)
                return []
            raise
        if current.get("Active") is False:
            self.removed(op.row, INACTIVE)
            return []
        self.change(op.row, version=str(current["SyncToken"]))
        return [replace(op, attempt=2)]

    # --- the pass's steps -------------------------------------------------------------------------------

    def recover(self) -> None:
        """Rows whose create may have happened unseen: their batch again, with its requestid."""
        unseen = customer_records(self.workspace_id).filter(status=SyncStatus.PENDING, external_id="",
                                                            create_started_at__isnull=False)
        groups = defaultdict(list)
        for pk, marker in unseen.values_list("pk", "marker"):
            groups[marker].append(pk)
        for marker, ids in groups.items():
            with leased_many(ids) as mine:
                rows, accounts = self.load(mine)
                ops = [Op(row, accounts[row.local_id], True, account_fields(accounts[row.local_id]),
                          display_name=row.synced.get(DISPLAY_NAME) or accounts[row.local_id].name, recovering=True)
                       for row in rows if not row.external_id and row.create_started_at]
                if ops:
                    self.send_all(ops, requestid=marker)

    def chunk(self, ids) -> None:
        rows, accounts = self.load(ids)
        ops: list[Op] = []
        undecided = []
        for row in rows:
            account = accounts[row.local_id]
            if row.external_id:
                op = self.update_op(row, account)
                if op is not None:
                    ops.append(op)
            elif row.matched_by == MatchedBy.PERSON:  # a person unlinked it: it stays so
                self.change(row, status=SyncStatus.SYNCED)
            else:
                undecided.append(row)
        while True:
            planned, later = Planned.empty(), []
            for row in undecided:
                op = self.decided(row, accounts[row.local_id], planned, later)
                if op is not None:
                    ops.append(op)
            self.save()
            self.send_all(ops)
            if not later:
                return
            ops, undecided = [], later  # the creates they waited for are in the index now

    def decided(self, row: SyncRecord, account: Account, planned: Planned, later: list) -> Op | None:
        decision = decide(account, self.index, self.taken_ids, planned)
        if isinstance(decision, Link):
            self.link(row, account, decision.customer, how=decision.how, matched_by=MatchedBy.AUTOMATIC)
        elif isinstance(decision, Wait):
            self.waits(row, decision.why)
        elif isinstance(decision, Later):
            later.append(row)
        elif isinstance(decision, Create):
            fields = account_fields(account)
            planned.add(fields["email"], decision.display_name)
            return Op(row, account, True, fields, display_name=decision.display_name, note=decision.note)
        return None

    def update_op(self, row: SyncRecord, account: Account) -> Op | None:
        changes = changed_fields(row, account_fields(account))
        if not changes:
            self.change(row, status=SyncStatus.SYNCED, reason="", synced_at=timezone.now())
            return None
        return Op(row, account, False, changes, display_name=display_name_for(row, changes.get("name", "")))


def display_name_for(row: SyncRecord, name: str) -> str:
    """The DisplayName an update sends for the account's `name`: the one QuickBooks has when it is
    that name already or that name with the suffix hubwire gave it, so an update never trades a
    working suffix for a name someone else holds."""
    current = row.synced.get(DISPLAY_NAME, "")
    if name and (current == name or current.startswith(f"{name} (")):
        return current
    return name


@pass_handler(PASS)
def customers_pass(sync_pass: SyncPass) -> str:
    workspace_id = sync_pass.workspace_id
    with sync_run(workspace=sync_pass.workspace, provider=PROVIDER, what=KIND, trigger=sync_pass.trigger) as run:
        connection = quickbooks_connection(workspace_id)
        if not is_enabled(connection):
            why = not_ready_words(connection)
            run.wait(why)
            return why
        rows_for_new_accounts(workspace_id)
        try:
            with company_api(connection) as qbo:
                work = CustomersPass(workspace_id, qbo, run)
                work.taken_ids = set(customer_records(workspace_id).exclude(external_id="")
                                     .values_list("external_id", flat=True))
                work.recover()
                ids = list(customer_records(workspace_id).filter(status=SyncStatus.PENDING)
                           .order_by("pk").values_list("pk", flat=True))
                progress(sync_pass, done=0, total=len(ids))
                for done, chunk in enumerate(batched(ids, limit("BATCH_SIZE")), start=1):
                    with leased_many(chunk) as mine:
                        work.chunk(mine)
                    progress(sync_pass, done=min(done * limit("BATCH_SIZE"), len(ids)))
        except NeedsReconnect as exc:
            run.wait(str(exc))
            return str(exc)
        except RateLimitWaitTooLong as exc:
            raise RetryLater(f"QuickBooks' batch limit: {exc}", after_seconds=exc.wait) from None
        except ProviderError as exc:
            if exc.status == 429:
                raise RetryLater(str(exc), after_seconds=exc.retry_after or 30) from None
            record_failure(PROVIDERS[PROVIDER], connection, f"connecting customers: {exc}")
            raise
        run.created += work.tally.created + work.tally.found_again
        run.updated += work.tally.matched + work.tally.updated  # a link changes the row, not QuickBooks
        record_success(connection)
        if work.tally.matched + work.tally.created + work.tally.found_again:
            invoices_waiting_resume(workspace=sync_pass.workspace)  # what someone asked to export waited for them
        return work.tally.words()


# --- what the tab and the confirmation show ---------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    """What "Connect customers" would do now: accounts matched by email, created, left for a person."""

    matched: int
    created: int
    waiting: int
    connected: int
    kept_apart: int
    customers_read: int


def undecided_account_ids(workspace_id: int) -> list[int]:
    """Accounts a pass started by the button would match or create: those with no row yet, and
    those waiting or failed without a link (not those a person unlinked)."""
    records = customer_records(workspace_id)
    have = records.filter(local_id__isnull=False).values("local_id")
    new = Account.objects.filter(workspace_id=workspace_id).exclude(pk__in=have).values_list("pk", flat=True)
    waiting = records.filter(external_id="", status__in=[SyncStatus.PENDING, SyncStatus.FAILED]) \
        .exclude(matched_by=MatchedBy.PERSON).values_list("local_id", flat=True)
    return sorted({*new, *waiting})


def customers_preview(connection: Connection) -> Preview:
    """Reads the company's customers (paged) and decides each undecided account as the pass would."""
    workspace_id = connection.workspace_id
    records = customer_records(workspace_id)
    taken = set(records.exclude(external_id="").values_list("external_id", flat=True))
    with company_api(connection) as qbo:
        index = read_index(qbo)
    counts = {Link: 0, Create: 0, Wait: 0}
    planned = Planned.empty()
    for chunk in batched(undecided_account_ids(workspace_id), PREVIEW_CHUNK):
        for account in Account.objects.filter(pk__in=chunk).prefetch_related("contacts"):
            decision = decide(account, index, taken, planned)
            if isinstance(decision, Link):
                taken.add(decision.customer.id)
            elif isinstance(decision, Create):
                planned.add(account_fields(account)["email"], decision.display_name)
            # Later: its email's customer is about to be made for another account, so it will wait.
            counts[Wait if isinstance(decision, Later) else type(decision)] += 1
    return Preview(matched=counts[Link], created=counts[Create], waiting=counts[Wait],
                   connected=records.exclude(external_id="").exclude(status=SyncStatus.REMOVED).count(),
                   kept_apart=records.filter(external_id="", matched_by=MatchedBy.PERSON).count(),
                   customers_read=index.size)


def customers_connect(workspace) -> SyncPass:
    """"Connect customers": what failed is tried again (a person's choices stay), then a pass."""
    with transaction.atomic():
        customer_records(workspace.pk).filter(status=SyncStatus.FAILED).update(
            status=SyncStatus.PENDING, reason=WAITING, updated_at=timezone.now())
        return customers_queue(workspace, trigger=Trigger.BUTTON)


# How many rows needing a person the tab lists (the sync panel lists every provider's, with Retry).
SECTION_ATTENTION = 10


def section_context(connection: Connection) -> dict:
    """The QuickBooks tab's customers section (quickbooks/_customers.html, as `tab.customers`)."""
    records = customer_records(connection.workspace_id)
    by_status = dict(records.order_by().values_list("status").annotate(n=Count("id")))
    attention = list(records.filter(status__in=[SyncStatus.FAILED, SyncStatus.REMOVED])
                     .order_by("-updated_at")[:SECTION_ATTENTION])
    names = dict(Account.objects.filter(pk__in=[r.local_id for r in attention]).values_list("pk", "name"))
    return {
        "connected": records.filter(status=SyncStatus.SYNCED).exclude(external_id="").count(),
        "kept_apart": records.filter(status=SyncStatus.SYNCED, external_id="").count(),
        "waiting": by_status.get(SyncStatus.PENDING, 0),
        "need_you": by_status.get(SyncStatus.FAILED, 0) + by_status.get(SyncStatus.REMOVED, 0),
        "attention": [{"record": r, "name": names.get(r.local_id, f"Account {r.local_id}"),
                       "url": reverse("crm:detail", args=["accounts", r.local_id])} for r in attention],
        "enabled": is_enabled(connection),
        "not_ready": "" if is_enabled(connection) else not_ready_words(connection),
        "connect_url": reverse("integrations:quickbooks_customers_connect"),
        "last_run": SyncRun.objects.filter(workspace_id=connection.workspace_id, provider=PROVIDER, what=KIND)
        .order_by("-started_at", "-id").first(),
    }

