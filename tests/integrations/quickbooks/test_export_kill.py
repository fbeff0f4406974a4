"""Never a duplicate, for real: a Celery worker exports 500 invoices to sandbox QuickBooks and is
killed with SIGKILL at random points (between batches, mid-request, while writing answers), then
started again, until the export is done. The company then holds exactly one invoice per hubwire
invoice (count and distinct DocNumbers), none is missing, and none from before enabling is there.

After each kill the export is asked for again (as the next export day or a person pressing Sync All
would): the killed pass itself would resume only when its ten-minute lease runs out."""

import os
import random
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.crm.models import Invoice, InvoiceLine, InvoiceStatus
from hubwire.integrations.quickbooks import config
from hubwire.integrations.quickbooks.invoice_ledger import invoice_rows
from hubwire.integrations.quickbooks.invoices import invoices_export_all
from hubwire.sandbox.models import Fault
from hubwire.sandbox.quickbooks.models import Entity
from hubwire.sync.models import SyncStatus, Trigger
from tests.conftest import SANDBOX_DB, purge_broker, start_worker, stop_worker, wait_until
from tests.integrations.quickbooks.invoicing import linked_account

pytestmark = [SANDBOX_DB, pytest.mark.worker]

INVOICES, OLD, ACCOUNTS = 240, 5, 10  # eight batches of 30: room for three kills at random points
API = "quickbooks.api.intuit.com"
# A dead worker's batch is found again once its lease runs out: seconds here, five minutes by default.
# (hubwire's batch limit stays Intuit's 40 a minute: the kills need an export that takes a while.)
FAST = {"HUBWIRE_QUICKBOOKS_LEASE_SECONDS": "5", "HUBWIRE_JOBS_TICK_SECONDS": "1"}


def make_invoices(workspace, accounts, count: int, *, created_at, first_number: int) -> list[Invoice]:
    """Issued invoices, written in bulk (their events are not needed: the export lists what it finds)."""
    invoices = Invoice.objects.bulk_create([
        Invoice(workspace=workspace, account=accounts[n % len(accounts)], number=f"INV-{first_number + n:05d}",
                status=InvoiceStatus.PENDING, subtotal=10000 + n, total=10000 + n, sent_at=created_at,
                created_at=created_at) for n in range(count)])
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, description="Retainer", quantity=1,
                                                 unit_amount=invoice.subtotal, amount=invoice.subtotal)
                                     for invoice in invoices])
    return invoices


def company_invoices(company) -> list[dict]:
    return list(Entity.objects.filter(realm_id=company.realm_id, kind="Invoice", deleted=False)
                .values_list("body", flat=True))


def batch_path(company) -> str:
    return f"/v3/company/{company.realm_id}/batch"


def made(company) -> int:
    """How many invoices the company holds (cheap: the sandbox answers in this process)."""
    return Entity.objects.filter(realm_id=company.realm_id, kind="Invoice", deleted=False).count()


def test_kill_9_at_random_points_of_an_export_leaves_one_quickbooks_invoice_per_invoice(quickbooks, workspace,
                                                                                         settings):
    # The sandbox (in this process) may take what hubwire's own limits let through, so that a replay
    # after a kill never meets the sandbox's minute limit and the run stays short.
    settings.HUBWIRE_SANDBOX_QBO_BATCHES_PER_MINUTE = 1000
    settings.HUBWIRE_SANDBOX_QBO_REQUESTS_PER_MINUTE = 10000
    accounts = [linked_account(quickbooks, workspace, name=f"Client {n}", email=f"c{n}@example.test")
                for n in range(ACCOUNTS)]
    old = make_invoices(workspace, accounts, OLD, created_at=timezone.now() - timedelta(days=10), first_number=1)
    config.enable(quickbooks.connection)
    invoices = make_invoices(workspace, accounts, INVOICES, created_at=timezone.now(), first_number=100)

    seed = random.randrange(10**6)
    rng = random.Random(seed)
    purge_broker()
    kills = []
    for how in ("at random", "with a batch in flight", "at random"):
        invoices_export_all(workspace, trigger=Trigger.BUTTON)
        worker = start_worker(beat=True, **FAST)
        try:
            if how == "at random":
                # Once it has made some more, at a random moment of a batch: before it, in flight, or
                # writing its answers (a batch takes about 1.5 s at Intuit's 40 a minute).
                threshold = made(quickbooks) + rng.randint(1, INVOICES // 4)
                wait_until(lambda: made(quickbooks) >= threshold, timeout=300, interval=0.05,
                           message=f"{threshold} invoices in QuickBooks (seed {seed})")
                time.sleep(rng.uniform(0, 1.5))
            else:  # the sandbox has made a batch's invoices and holds the answer back: it is never heard
                held_back = quickbooks.sandbox.control("fault", host=API, path=batch_path(quickbooks), delay=3)
                wait_until(lambda: Fault.objects.filter(pk=held_back["fault"], remaining=0).exists(), timeout=300,
                           interval=0.05, message="a batch to reach the sandbox")
                time.sleep(0.5)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            kills.append(f"{how} with {made(quickbooks)} made")
        finally:
            if worker.poll() is None:
                stop_worker(worker)

    invoices_export_all(workspace, trigger=Trigger.BUTTON)
    worker = start_worker(beat=True, **FAST)
    try:
        wait_until(lambda: invoice_rows(workspace).filter(status=SyncStatus.SYNCED).count() == INVOICES, timeout=600,
                   message=f"every invoice exported after the restarts (seed {seed})")
    except AssertionError:
        stop_worker(worker)
        states = list(invoice_rows(workspace).exclude(status=SyncStatus.SYNCED).values_list("status", "reason")[:5])
        pytest.fail(f"not all exported (seed {seed}): {states}; worker said:\n{worker.stdout.read()[-3000:]}")
    stop_worker(worker)

    held = company_invoices(quickbooks)
    numbers = [body["DocNumber"] for body in held]
    assert len(held) == INVOICES, f"seed {seed}: {len(held)} QuickBooks invoices for {INVOICES}"
    assert len(set(numbers)) == INVOICES
    assert set(numbers) == {invoice.number for invoice in invoices}  # none missing, none from before enabling
    assert not set(numbers) & {invoice.number for invoice in old}
    by_id = {body["Id"]: body["DocNumber"] for body in held}
    linked = dict(invoice_rows(workspace).values_list("local_id", "external_id"))
    assert all(by_id[linked[invoice.pk]] == invoice.number for invoice in invoices)
    print(f"seed {seed}: killed {'; '.join(kills)}, of {INVOICES}")
