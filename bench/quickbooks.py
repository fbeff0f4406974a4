"""quickbooks: the invoice export against the rate Intuit's limits allow (issue 18).

INVOICES pending invoices of CUSTOMERS customers (linked in the ledger, as the customers part leaves
them) exported by one pass to sandbox QuickBooks, served over HTTP by a threaded server in this
process, on SQLite. Intuit's limits (40 batch requests and 500 requests a minute per company, 30
operations a batch) are scaled by FACTOR on both sides, the sandbox's HUBWIRE_SANDBOX_QBO_* and
hubwire's HUBWIRE_QUICKBOOKS_*, so that the run is short; the batch size stays 30.

Prints operations per second beside the ceiling the limits allow (batches a minute × 30 / 60) as a
ratio, target >= 0.9, and the 429s: how many the sandbox answered, and how many reached a record
(a record failed or left waiting by QuickBooks' limits), target 0. Prints, never asserts. Run alone
with `python -m bench quickbooks`; BENCH_QBO_INVOICES, BENCH_QBO_CUSTOMERS and BENCH_QBO_FACTOR change it."""

import os
import re
import threading
import time
from urllib.parse import urlsplit

INVOICES = int(os.environ.get("BENCH_QBO_INVOICES", "10000"))
CUSTOMERS = int(os.environ.get("BENCH_QBO_CUSTOMERS", "2000"))
FACTOR = float(os.environ.get("BENCH_QBO_FACTOR", "5"))
RATIO_TARGET = 0.9
CLIENT_ID, CLIENT_SECRET = "sandbox-quickbooks", "sandbox-quickbooks-secret"  # the sandbox's Intuit app


def serve() -> str:
    """hubwire (and so the sandbox under /sandbox/) on a threaded HTTP server; returns its base URL."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def scale_limits(settings) -> dict:
    """Intuit's per-minute limits times FACTOR, the same on both sides."""
    from hubwire.integrations.quickbooks import api

    scaled = {"REQUESTS_PER_MINUTE": round(api.LIMITS["REQUESTS_PER_MINUTE"] * FACTOR),
              "BATCHES_PER_MINUTE": round(api.LIMITS["BATCHES_PER_MINUTE"] * FACTOR)}
    for name, value in scaled.items():
        setattr(settings, f"HUBWIRE_SANDBOX_QBO_{name}", value)
        setattr(settings, f"HUBWIRE_QUICKBOOKS_{name}", value)
    return {**scaled, "BATCH_SIZE": api.limit("BATCH_SIZE")}


def connect(owner, workspace):
    """Paste the sandbox Intuit app's credentials, press Connect, consent, come back: as the owner does."""
    import httpx
    from django.test import Client

    from hubwire.integrations.models import Connection

    client = Client()
    client.force_login(owner)
    client.post("/integrations/quickbooks/credentials/", {"mode": "", "client_id": CLIENT_ID,
                                                          "client_secret": CLIENT_SECRET})
    consent_url = client.post("/integrations/quickbooks/connect/", {"mode": ""})["Location"]
    page = httpx.get(consent_url, timeout=30).text
    request = re.search(r'name="request" value="([^"]+)"', page).group(1)
    back = httpx.post(consent_url.split("?")[0], data={"request": request, "decision": "allow",
                                                       "email": "bench@intuit.example"}, timeout=30)
    callback = urlsplit(back.headers["location"])
    client.get(f"{callback.path}?{callback.query}")
    return Connection.objects.get(workspace=workspace, provider="quickbooks")


def company(connection, workspace) -> None:
    """CUSTOMERS customers in the sandbox company and their accounts linked in hubwire's ledger, and
    INVOICES issued invoices spread over them (written in bulk: setting up is not measured)."""
    from django.db import transaction
    from django.utils import timezone

    from hubwire.crm.models import Account, Invoice, InvoiceLine, InvoiceStatus
    from hubwire.sandbox.quickbooks import entities
    from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus

    realm = connection.external_account_id
    with transaction.atomic(using="sandbox"):
        customer_ids = [entities.create(realm, "Customer", {"DisplayName": f"Bench Client {n}"})["Id"]
                        for n in range(CUSTOMERS)]
    accounts = Account.objects.bulk_create([Account(workspace=workspace, name=f"Bench Client {n}")
                                            for n in range(CUSTOMERS)])
    SyncRecord.objects.bulk_create([
        SyncRecord(workspace=workspace, provider="quickbooks", kind="customer", local_id=account.pk, external_id=cid,
                   version="0", status=SyncStatus.SYNCED, matched_by=MatchedBy.CREATED)
        for account, cid in zip(accounts, customer_ids, strict=True)])
    now = timezone.now()
    invoices = Invoice.objects.bulk_create([
        Invoice(workspace=workspace, account=accounts[n % CUSTOMERS], number=f"INV-{n + 1:06d}",
                status=InvoiceStatus.PENDING, subtotal=10000 + n, total=10000 + n, sent_at=now, created_at=now)
        for n in range(INVOICES)], batch_size=1000)
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=i, description="Retainer", quantity=1,
                                                 unit_amount=i.subtotal, amount=i.subtotal) for i in invoices],
                                    batch_size=1000)


def run_to_the_end(job) -> float:
    """A sync pass, run here as a worker runs it (a RetryLater waits its time); its seconds."""
    from django.utils import timezone

    from hubwire.jobs.runner import execute

    started = time.perf_counter()
    while execute(job._meta.label_lower, job.pk) != "done":
        job.refresh_from_db()
        if job.status != "pending":
            raise RuntimeError(f"the pass {job.name} stopped: {job.status} {job.last_error}")
        time.sleep(max((job.next_attempt_at - timezone.now()).total_seconds(), 0))
    return time.perf_counter() - started


def export(workspace) -> float:
    """The export pass; its seconds."""
    from hubwire.integrations.quickbooks.invoices import invoices_export_all
    from hubwire.sync.models import Trigger

    return run_to_the_end(invoices_export_all(workspace, trigger=Trigger.BUTTON))


def run() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from hubwire.core.models import User
    from hubwire.core.services import workspace_create
    from hubwire.integrations.quickbooks import config, errors
    from hubwire.integrations.quickbooks.invoice_ledger import invoice_rows
    from hubwire.sandbox.models import Call
    from hubwire.sync.models import SyncStatus

    setup_test_environment()  # the test client's "testserver" host, for pressing Connect
    call_command("migrate", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)
    settings.HUBWIRE_SANDBOX, settings.HUBWIRE_SANDBOX_URL = True, ""
    settings.HUBWIRE_BASE_URL = serve()
    limits = scale_limits(settings)
    owner = User.objects.create_user("bench-books@example.test", "bench-books-password-1")
    workspace = workspace_create(name="Bench Books", owner=owner)
    connection = connect(owner, workspace)
    config.enable(connection)
    company(connection, workspace)

    seconds = export(workspace)
    rows = invoice_rows(workspace)
    exported = rows.filter(status=SyncStatus.SYNCED).count()
    ops = exported / seconds
    ceiling = min(limits["BATCHES_PER_MINUTE"], limits["REQUESTS_PER_MINUTE"]) * limits["BATCH_SIZE"] / 60
    ratio = ops / ceiling
    answered_429 = Call.objects.filter(host="quickbooks.api.intuit.com", status=429).count()
    reached = rows.filter(reason__startswith=errors.THROTTLED[0][:40]).count()
    failed = rows.filter(status=SyncStatus.FAILED).count()
    verdict = "ok" if ratio >= RATIO_TARGET and reached == 0 else "BELOW TARGET"
    print(f"quickbooks: exported {exported:,} of {INVOICES:,} invoices ({CUSTOMERS:,} customers) in {seconds:.1f} s "
          f"= {ops:,.1f} ops/s vs the {ceiling:,.1f} ops/s Intuit's limits x{FACTOR:g} allow -> ratio {ratio:.2f} "
          f"(target {RATIO_TARGET:.2f}); 429s answered {answered_429}, reached a record {reached} (target 0); "
          f"{failed} failed {verdict}")
