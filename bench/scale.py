"""scale: every page and route with a year of data against the same on the first day (issue 22).

A workspace is built at each size of SIZES (BENCH_SCALE_SIZES, "small,large"), each in a fresh
database of its own, in a child process (Django reads DATABASE_URL once per process):

- small: about 100 of each object.
- large: 100,000 leads, contacts, invoices and CRM messages; 1,000,000 events, activities, handler
  runs and webhook deliveries, 1,100,000 delivery attempts; 10,000 accounts, quotes, appointments,
  projects and contracts. One account, "ACME Creative Agency", holds 10% of everything that belongs
  to an account, and one of its contacts is signed in to the Client Portal. BENCH_SCALE_FACTOR
  (1.0) shrinks it for quick runs (0.01 while developing).

The first objects go through the services (the workspace, ACME with its portal client, a few
invoices, a project, a contract, messages, two endpoints, an API key), so everything the services
set up is there; the volume goes in by COPY on PostgreSQL and bulk_create on SQLite, spread over the
last year, with what the code keeps up to date kept right (each account's message_count,
unread_messages and last_message_at; each delivery's attempts). Then ANALYZE (VACUUM ANALYZE on
PostgreSQL: the visibility map autovacuum would have left, so index-only scans are what production
gets).

Each page and API route is read with Django's test client in one process: one warm-up, the median
of REPEATS timed reads, then one more read with its SQL captured (the query count, and the slowest
query). Prints one line per route: small ms, large ms, ratio, queries small/large and a verdict
against the targets (every ratio <= 2, every page under 150 ms at the large size, an API deep page
within 2x its first). For each route over target at the large size, the EXPLAIN (ANALYZE, BUFFERS)
of its slowest query (EXPLAIN QUERY PLAN on SQLite). Prints, never asserts.

On PostgreSQL when BENCH_SCALE_PG_URL is set (postgres://postgres@127.0.0.1:5432/hubwire_bench_scale:
the database it names is dropped, created, and dropped again at the end; BENCH_SCALE_KEEP=1 keeps the
last one), else on SQLite in a temporary directory. `python -m bench scale` (not in `make bench`'s
default list: the large size takes minutes to load)."""

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

SIZES = [s.strip() for s in os.environ.get("BENCH_SCALE_SIZES", "small,large").split(",") if s.strip()]
FACTOR = float(os.environ.get("BENCH_SCALE_FACTOR", "1.0"))
PG_URL = os.environ.get("BENCH_SCALE_PG_URL", "")
KEEP = os.environ.get("BENCH_SCALE_KEEP") == "1"
REPEATS = 5
PAGE_TARGET_MS, RATIO_TARGET, DEEP_TARGET = 150.0, 2.0, 2.0
ACME_SHARE = 0.10  # of everything that belongs to an account
CHUNK = 20_000     # rows generated and written at a time

# Rows per kind at the large size (scaled by FACTOR); the small size has about 100 of each.
LARGE = {"accounts": 10_000, "contacts": 100_000, "leads": 100_000, "quotes": 10_000, "invoices": 100_000,
         "appointments": 10_000, "projects": 10_000, "contracts": 10_000, "messages": 100_000,
         "events": 1_000_000, "deliveries": 1_000_000}
SMALL = {kind: 100 for kind in LARGE}


def counts_for(size: str) -> dict[str, int]:
    if size == "small":
        return dict(SMALL)
    return {kind: max(100, round(n * FACTOR)) for kind, n in LARGE.items()}


def label(size: str) -> str:
    return size if size == "small" or FACTOR == 1 else f"{size} x{FACTOR:g}"


# --- the parent: one child per size, then the table ----------------------------------------------

def run() -> None:
    results: dict[str, dict] = {}
    out_dir = tempfile.mkdtemp(prefix="hubwire-bench-scale-")
    for size in SIZES:
        var = tempfile.mkdtemp(prefix=f"hubwire-bench-scale-{size}-")
        database = PG_URL or f"sqlite:///{var}/hubwire.sqlite3"
        out = os.path.join(out_dir, f"{size}.json")
        env = {**os.environ, "DATABASE_URL": database, "HUBWIRE_VAR_DIR": var, "HUBWIRE_SANDBOX": "0",
               "PYTHONWARNINGS": "ignore", "BENCH_SCALE_RESULTS": out_dir}
        subprocess.run([sys.executable, "-m", "bench.scale", size, out], env=env, check=False)
        shutil.rmtree(var, ignore_errors=True)
        if os.path.exists(out):
            with open(out) as f:
                results[size] = json.load(f)
    shutil.rmtree(out_dir, ignore_errors=True)
    report(results)


def verdict(name: str, small: dict | None, large: dict | None, large_routes: dict) -> list[str]:
    """What misses a target at the large size, in words (empty: on target)."""
    if large is None:
        return ["not measured"]
    if large.get("status") != 200:
        return [f"HTTP {large.get('status')}"]
    missed = []
    if large["ms"] > PAGE_TARGET_MS:
        missed.append(f"> {PAGE_TARGET_MS:.0f} ms")
    if small and small.get("ms") and not large.get("no_ratio") and large["ms"] / small["ms"] > RATIO_TARGET:
        missed.append(f"ratio > {RATIO_TARGET:g}")
    if small and small.get("queries") is not None and large["queries"] > small["queries"]:
        missed.append("queries grew")
    first = large.get("first_page_of")
    if first and first in large_routes and large["ms"] > DEEP_TARGET * large_routes[first]["ms"]:
        missed.append(f"> {DEEP_TARGET:g}x its first page")
    return missed


def report(results: dict[str, dict]) -> None:
    if not results:
        print("scale: no size was measured")
        return
    sizes = [s for s in SIZES if s in results]
    small, large = sizes[0], sizes[-1]
    base, top = results[small]["routes"], results[large]["routes"]
    for size in sizes:
        r = results[size]
        print(f"scale [{r['backend']}, {label(size)}]: loaded {r['rows']:,} rows in {r['load_seconds']:.0f} s "
              f"(+ {r['analyze_seconds']:.0f} s ANALYZE): " + ", ".join(f"{k} {v:,}" for k, v in r["counts"].items()))
    width = max(len(name) for name in top) + 2
    print(f"{'route':<{width}} {label(small):>10} {label(large):>12} {'ratio':>6} {'queries':>9}  verdict")
    over = 0
    for name, big in top.items():
        little = base.get(name)
        missed = verdict(name, little, big, top) if len(sizes) > 1 or large != "small" else []
        over += bool(missed)
        ms_small = f"{little['ms']:.1f}" if little else "-"
        ratio = f"{big['ms'] / little['ms']:.2f}" if little and little.get("ms") else "-"
        ratio = f"({ratio})" if big.get("no_ratio") else ratio  # past the end of the small lists: not judged
        queries = f"{little['queries'] if little else '-'}/{big['queries']}"
        print(f"{name:<{width}} {ms_small:>10} {big['ms']:>12.1f} {ratio:>6} {queries:>9}  "
              f"{'BELOW TARGET: ' + ', '.join(missed) if missed else 'ok'}")
    print(f"scale: {len(top) - over} of {len(top)} routes on target at {label(large)} "
          f"(each <= {PAGE_TARGET_MS:.0f} ms, ratio <= {RATIO_TARGET:g}, deep API page <= {DEEP_TARGET:g}x its first, "
          "queries flat; an offset=10000 page is past the end of the small lists, so its ratio is shown "
          "in brackets and not judged)")
    for name, text in results[large].get("explains", {}).items():
        print(f"\n--- {name}: its slowest query at {label(large)} ---\n{text}")


# --- in the child: build one size, read every route ------------------------------------------------

def fresh_database() -> None:
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database() -> None:
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres") and not KEEP:
        import psycopg
        from django.db import connections

        connections.close_all()
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


class Loader:
    """Writes generated rows (dicts of attname -> value) of a model: COPY on PostgreSQL, bulk_create
    elsewhere. Unnamed fields take their model default, as the ORM would give them."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.rows = 0

    def load(self, model, rows) -> None:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._write(model, batch)
                batch = []
        if batch:
            self._write(model, batch)

    def _write(self, model, batch: list[dict]) -> None:
        from django.db import models
        from django.utils import timezone

        self.rows += len(batch)
        if not self.postgres:
            model.objects.bulk_create([model(**row) for row in batch], batch_size=2000)
            return
        now = timezone.now()
        fields = model._meta.concrete_fields
        defaults = {}
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.attname] = now
            else:
                defaults[field.attname] = field.get_default()
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        columns = ", ".join(self.connection.ops.quote_name(f.column) for f in fields)
        table = self.connection.ops.quote_name(model._meta.db_table)
        names = [f.attname for f in fields]
        with self.connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in batch:
                    values = []
                    for name in names:
                        value = row.get(name, defaults[name])
                        if name in json_fields and value is not None:
                            value = json.dumps(value)
                        values.append(value)
                    copy.write_row(values)

    def reset_sequences(self, *models_) -> None:
        if not self.postgres:
            return
        with self.connection.cursor() as cursor:
            for model in models_:
                pk = model._meta.pk
                if pk.get_internal_type() in ("AutoField", "BigAutoField"):
                    table = model._meta.db_table
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                                   f"(SELECT COALESCE(MAX({pk.column}), 1) FROM \"{table}\"))", [table, pk.column])


FIRST = ["Maya", "Liam", "Ava", "Noah", "Zoe", "Omar", "Ines", "Kenji", "Priya", "Lucas", "Sofia", "Aarav",
         "Chloe", "Mateo", "Hana", "Elif", "Tomas", "Nia", "Ravi", "Lena", "Jonas", "Amara", "Diego", "Freya"]
LAST = ["Garcia", "Okafor", "Nguyen", "Smith", "Kowalski", "Haddad", "Silva", "Tanaka", "Novak", "Rossi",
        "Dubois", "Khan", "Murphy", "Larsen", "Cohen", "Ibrahim", "Park", "Moreau", "Fischer", "Costa"]
WORDS = ["Studio", "Labs", "Partners", "Works", "Collective", "Group", "Design", "Media", "Digital", "Co",
         "Ventures", "Agency", "Consulting", "Supply", "Foods", "Logistics", "Health", "Legal", "Print", "Build"]


class Builder:
    """One workspace at one size: a realistic seed through the services, then the volume."""

    def __init__(self, counts: dict[str, int]):
        from django.utils import timezone

        self.n = counts
        self.rand = random.Random(22)
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365)
        self.loader = Loader()

    def at(self, i: int, n: int):
        """The i-th of n moments spread evenly over the last year (ids grow with time, as they do)."""
        return self.start + (self.now - self.start) * ((i + 0.5) / n)

    def next_id(self, model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def owner_account(self) -> int:
        if self.rand.random() < ACME_SHARE:
            return self.acme.pk
        return self.rand.choice(self.account_ids)

    # -- the seed, through the services --

    def seed(self) -> None:
        from hubwire.core.models import User
        from hubwire.core.services import api_key_issue, workspace_create
        from hubwire.crm.models import ContractStatus
        from hubwire.crm.services import documents, people, work
        from hubwire.portal.services import access_set, password_set
        from hubwire.webhooks.services import endpoint_create

        self.owner = User.objects.create_user("bench-owner@example.test", "bench-owner-password-1")
        self.ws = ws = workspace_create(name="Bench Studio", owner=self.owner)
        kw = {"workspace": ws, "actor": "bench"}
        self.acme = people.account_create(**kw, name="ACME Creative Agency", email="hello@acme.example")
        self.client_contact = people.contact_create(**kw, account=self.acme, first_name="Maya", last_name="Garcia",
                                                    email="maya@acme.example")
        line = [{"description": "Identity design", "quantity": 1, "unit_amount": 125000}]
        for _ in range(3):
            invoice = documents.invoice_create(**kw, account=self.acme, contact=self.client_contact, lines=line)
            documents.invoice_send(invoice=invoice, actor="bench")
        project = work.project_create(**kw, account=self.acme, name="ACME rebrand", status="active")
        work.milestone_add(project=project, actor="bench", title="Moodboards")
        work.contract_create(**kw, account=self.acme, title="ACME statement of work", status=ContractStatus.SENT,
                             body="Scope and fees.", value_amount=500000)
        work.message_post(**kw, account=self.acme, body="Hello from ACME", direction="inbound",
                          contact=self.client_contact)
        work.message_post(**kw, account=self.acme, body="Welcome aboard", author=self.owner)
        access_set(account=self.acme, enabled=True, actor=self.owner)
        self.client_password = "plum-orchard-sunrise-47"
        password_set(contact=self.client_contact, password=self.client_password, must_change=False, actor=self.owner)
        self.endpoints = [endpoint_create(workspace=ws, url="https://hooks.example.com/hubwire", description="Ops"),
                          endpoint_create(workspace=ws, url="https://hooks.zapier.example/catch/1", description="Zap")]
        _, self.api_key = api_key_issue(workspace=ws, name="bench")

    # -- the volume --

    def build(self) -> None:
        from hubwire.crm import models as m
        from hubwire.events.models import Event, HandlerRun
        from hubwire.webhooks.models import Attempt, Delivery

        self.accounts()
        self.contacts()
        self.leads()
        self.documents()
        self.appointments()
        self.projects_and_contracts()
        self.messages()
        self.events_and_deliveries()
        self.loader.reset_sequences(m.Account, m.Contact, m.Lead, m.Quote, m.QuoteLine, m.Invoice, m.InvoiceLine,
                                    m.Payment, m.Appointment, m.Project, m.Milestone, m.Contract, m.Message,
                                    m.Activity, HandlerRun, Delivery, Attempt, Event)

    def accounts(self) -> None:
        from hubwire.crm.models import Account

        first, n = self.next_id(Account), self.n["accounts"] - 1
        self.account_ids = list(range(first, first + n))
        rand, ws = self.rand, self.ws.pk

        def rows():
            for k, pk in enumerate(self.account_ids):
                name = f"{rand.choice(LAST)} {rand.choice(WORDS)} {k:05d}"
                yield {"id": pk, "workspace_id": ws, "name": name, "email": f"hello@client{k}.example",
                       "created_at": self.at(k, n)}
        self.loader.load(Account, rows())

    def contacts(self) -> None:
        from hubwire.crm.models import Contact

        first, n, rand, ws = self.next_id(Contact), self.n["contacts"], self.rand, self.ws.pk
        self.contact_of: dict[int, int] = {}  # an account -> one of its contacts

        def rows():
            for k in range(n):
                account = self.owner_account()
                self.contact_of.setdefault(account, first + k)
                yield {"id": first + k, "workspace_id": ws, "account_id": account,
                       "first_name": rand.choice(FIRST), "last_name": f"{rand.choice(LAST)} {k}",
                       "email": f"person{k}@client{account}.example", "created_at": self.at(k, n)}
        self.loader.load(Contact, rows())

    def leads(self) -> None:
        from hubwire.crm.models import Lead, LeadStatus

        first, n, rand, ws = self.next_id(Lead), self.n["leads"], self.rand, self.ws.pk
        statuses = list(LeadStatus.values)
        self.loader.load(Lead, ({"id": first + k, "workspace_id": ws,
                                 "name": f"{rand.choice(FIRST)} {rand.choice(LAST)}",
                                 "company": f"{rand.choice(LAST)} {rand.choice(WORDS)}",
                                 "email": f"lead{k}@example.com",
                                 "source": rand.choice(["website", "referral", "zapier", "event"]),
                                 "status": rand.choice(statuses), "value_amount": rand.randrange(10_000, 5_000_000),
                                 "created_at": self.at(k, n)} for k in range(n)))

    def documents(self) -> None:
        from hubwire.crm import models as m

        rand, ws = self.rand, self.ws.pk
        n = self.n["quotes"]
        quote, quote_line = self.next_id(m.Quote), self.next_id(m.QuoteLine)
        quote_rows, quote_lines = [], []
        for k in range(n):
            amount, created = rand.randrange(50_000, 2_000_000), self.at(k, n)
            quote_rows.append({"id": quote + k, "workspace_id": ws, "account_id": self.owner_account(),
                               "number": f"Q-B{k:06d}", "title": f"{rand.choice(WORDS)} proposal",
                               "status": rand.choice(m.QuoteStatus.values), "subtotal": amount, "total": amount,
                               "created_at": created})
            quote_lines.append({"id": quote_line + k, "quote_id": quote + k, "description": "Design work",
                                "quantity": 1, "unit_amount": amount, "amount": amount})
        self.loader.load(m.Quote, quote_rows)
        self.loader.load(m.QuoteLine, quote_lines)

        n = self.n["invoices"]
        invoice, line, payment = self.next_id(m.Invoice), self.next_id(m.InvoiceLine), self.next_id(m.Payment)
        payments = []

        def invoices():
            lines = []
            for k in range(n):
                account, created = self.owner_account(), self.at(k, n)
                amount = rand.randrange(10_000, 1_000_000)
                roll = rand.random()
                status = "paid" if roll < 0.6 else "pending" if roll < 0.85 else "draft" if roll < 0.95 else "void"
                row = {"id": invoice + k, "workspace_id": ws, "account_id": account,
                       "contact_id": self.contact_of.get(account), "number": f"INV-B{k:06d}", "status": status,
                       "subtotal": amount, "total": amount, "created_at": created,
                       "due_date": (created + timedelta(days=30)).date()}
                if status != "draft":
                    row["sent_at"] = created
                if status == "paid":
                    row["paid_at"] = paid = created + timedelta(days=10)
                    payments.append({"id": payment + len(payments), "workspace_id": ws, "invoice_id": invoice + k,
                                     "amount": amount, "currency": "USD", "method": "bank_transfer",
                                     "received_at": paid, "created_at": paid})
                if status == "void":
                    row["voided_at"] = created + timedelta(days=5)
                lines.append({"id": line + k, "invoice_id": invoice + k, "description": "Retainer", "quantity": 1,
                              "unit_amount": amount, "amount": amount})
                yield row
            self.invoice_lines = lines
        self.loader.load(m.Invoice, invoices())
        self.loader.load(m.InvoiceLine, self.invoice_lines)
        self.loader.load(m.Payment, payments)

    def appointments(self) -> None:
        from hubwire.crm.models import Appointment, LocationType

        first, n, rand, ws = self.next_id(Appointment), self.n["appointments"], self.rand, self.ws.pk
        span = timedelta(days=425)  # a year back and two months ahead
        contacts = list(self.contact_of.values())[:500]

        def rows():
            for k in range(n):
                start = self.start + span * ((k + 0.5) / n)
                yield {"id": first + k, "workspace_id": ws,
                       "title": f"{rand.choice(['Kickoff', 'Review', 'Call'])} {k}",
                       "contact_id": rand.choice(contacts) if k % 2 else None,
                       "start": start, "end": start + timedelta(hours=1),
                       "location_type": rand.choice([LocationType.IN_PERSON, LocationType.PHONE]),
                       "created_at": min(start, self.now)}
        self.loader.load(Appointment, rows())

    def projects_and_contracts(self) -> None:
        from hubwire.crm import models as m

        rand, ws = self.rand, self.ws.pk
        n = self.n["projects"]
        project, milestone = self.next_id(m.Project), self.next_id(m.Milestone)
        self.loader.load(m.Project, ({"id": project + k, "workspace_id": ws, "account_id": self.owner_account(),
                                      "name": f"{rand.choice(WORDS)} project {k}",
                                      "status": rand.choice(m.ProjectStatus.values), "created_at": self.at(k, n)}
                                     for k in range(n)))
        self.loader.load(m.Milestone, ({"id": milestone + k, "workspace_id": ws, "project_id": project + k // 2,
                                        "title": f"Step {k % 2 + 1}", "created_at": self.at(k // 2, n),
                                        "completed_at": self.at(k // 2, n) if k % 2 == 0 else None}
                                       for k in range(2 * n)))
        n = self.n["contracts"]
        first = self.next_id(m.Contract)
        self.loader.load(m.Contract, ({"id": first + k, "workspace_id": ws, "account_id": self.owner_account(),
                                       "title": f"Statement of work {k}", "body": "Scope, fees and terms.",
                                       "status": rand.choice(m.ContractStatus.values),
                                       "value_amount": rand.randrange(100_000, 10_000_000), "created_at": self.at(k, n)}
                                      for k in range(n)))

    def messages(self) -> None:
        """Messages, and the figures each account keeps of its conversation, kept right."""
        from django.db.models import Count, Max, Q

        from hubwire.crm.models import Account, Message

        first, n, rand, ws = self.next_id(Message), self.n["messages"], self.rand, self.ws.pk
        recent = self.now - timedelta(days=7)  # older messages have been read
        talking = self.account_ids[: max(1, len(self.account_ids) // 2)]  # half the accounts have a conversation

        def rows():
            for k in range(n):
                account = self.acme.pk if rand.random() < ACME_SHARE else rand.choice(talking)
                created, inbound = self.at(k, n), rand.random() < 0.5
                contact = self.client_contact.pk if account == self.acme.pk else self.contact_of.get(account)
                yield {"id": first + k, "workspace_id": ws, "account_id": account, "contact_id": contact,
                       "author_id": None if inbound else self.owner.pk,
                       "direction": "inbound" if inbound else "outbound",
                       "body": f"Message {k}: " + " ".join(rand.choices(WORDS, k=12)),
                       "read_at": created + timedelta(hours=2) if created < recent else None, "created_at": created}
        self.loader.load(Message, rows())
        # The counts message_post and conversation_mark_read keep, recomputed from what is there.
        figures = (Message.objects.filter(workspace=self.ws).values("account_id")
                   .annotate(total=Count("id"), unread=Count("id", filter=Q(direction="inbound", read_at=None)),
                             last=Max("created_at")))
        from django.db import transaction

        with transaction.atomic():
            for f in figures.iterator():
                Account.objects.filter(pk=f["account_id"]).update(message_count=f["total"], unread_messages=f["unread"],
                                                                  last_message_at=f["last"])

    def events_and_deliveries(self) -> None:
        """Events with their activity line and handler run (as the outbox writes them), and one delivery
        per event with its attempts (a tenth of them retried once)."""
        from hubwire.crm.models import Activity
        from hubwire.events import catalog, registry
        from hubwire.events.models import Event, HandlerRun
        from hubwire.webhooks.models import Attempt, Delivery

        n, rand, ws = self.n["events"], self.rand, self.ws.pk
        types = sorted(catalog.CATALOG) or ["lead.created"]
        handlers = sorted(registry.HANDLERS) or ["bench"]
        activity, run = self.next_id(Activity), self.next_id(HandlerRun)
        delivery, attempt = self.next_id(Delivery), self.next_id(Attempt)
        deliveries = self.n["deliveries"]
        endpoints = [e.pk for e in self.endpoints]
        for begin in range(0, n, CHUNK):
            events, activities, runs, sent, tries = [], [], [], [], []
            for k in range(begin, min(n, begin + CHUNK)):
                at, kind = self.at(k, n), types[k % len(types)]
                event_id = uuid.UUID(int=rand.getrandbits(128), version=4)
                data = {"id": k, "name": f"{rand.choice(FIRST)} {rand.choice(LAST)}", "amount": k % 100_000}
                events.append({"id": event_id, "workspace_id": ws, "type": kind, "data": data, "occurred_at": at,
                               "actor": "bench-owner@example.test", "fanned_out": True})
                roll = rand.random()
                account = self.acme.pk if roll < ACME_SHARE else rand.choice(self.account_ids) if roll < 0.7 else None
                activities.append({"id": activity + k, "workspace_id": ws, "account_id": account, "event_id": event_id,
                                   "summary": f"{kind} {data['name']}", "created_at": at})
                runs.append({"id": run + k, "event_id": event_id, "handler": handlers[k % len(handlers)],
                             "status": "done", "attempts": 1, "next_attempt_at": at, "created_at": at,
                             "finished_at": at})
                if k >= deliveries:
                    continue
                age = (self.now - at).total_seconds()
                status = ("pending" if age < 3600 * 6 and k % 7 == 0 else "failed" if k % 50 == 0 else "succeeded")
                retried = k % 10 == 0
                body = json.dumps({"type": kind, "timestamp": at.isoformat(), "data": data})
                d = delivery + k
                sent.append({"id": d, "workspace_id": ws, "endpoint_id": endpoints[k % len(endpoints)],
                             "event_id": event_id, "event_type": kind, "webhook_id": f"msg_{event_id.hex}_{k % 2}",
                             "body": body, "status": status, "attempts": 2 if retried else 1,
                             "next_attempt_at": at + timedelta(minutes=5) if status == "pending" else at,
                             "last_status_code": 200 if status == "succeeded" else 503, "created_at": at,
                             "delivered_at": at + timedelta(seconds=1) if status == "succeeded" else None})
                for number in range(1, 3 if retried else 2):
                    ok = status == "succeeded" and number == (2 if retried else 1)
                    tries.append({"id": attempt, "delivery_id": d, "number": number,
                                  "started_at": at + timedelta(minutes=number - 1),
                                  "duration_ms": rand.randrange(20, 900),
                                  "request_headers": {"content-type": "application/json", "webhook-id": f"msg_{k}"},
                                  "response_status": 200 if ok else 503, "response_headers": {"server": "bench"},
                                  "response_excerpt": "ok" if ok else "Service Unavailable"})
                    attempt += 1
            self.loader.load(Event, events)
            self.loader.load(Activity, activities)
            self.loader.load(HandlerRun, runs)
            self.loader.load(Delivery, sent)
            self.loader.load(Attempt, tries)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")


def routes(b: Builder) -> list[tuple[str, str, str, str | None, bool]]:
    """(name, path, who, name of its first page: for a deep API page, whether large/small means
    anything: not for offset=10000, past the end of every list at the small size)."""
    from hubwire.core.api_pages import MAX_OFFSET, cursor_for, ordering_of
    from hubwire.core.tenancy import scoped
    from hubwire.crm import models as m
    from hubwire.crm.api import RESOURCES as API_RESOURCES
    from hubwire.crm.pages import RESOURCES as PAGE_RESOURCES
    from hubwire.events.models import Event
    from hubwire.webhooks.models import Delivery

    ws, acme, endpoint = b.ws, b.acme.pk, b.endpoints[0].pk
    pages = [("/ dashboard", "/", "team"),
             ("/messages/", "/messages/", "team"),
             ("/messages/<ACME>/", f"/messages/{acme}/", "team"),
             ("/accounts/<ACME>/", f"/accounts/{acme}/", "team"),
             ("/integrations/portal/", "/integrations/portal/", "team"),
             ("/webhooks/deliveries/", "/webhooks/deliveries/", "team"),
             ("/webhooks/", "/webhooks/", "team"),
             ("/webhooks/endpoints/<id>/", f"/webhooks/endpoints/{endpoint}/", "team"),
             ("portal home", f"/portal/{ws.pk}/", "client"),
             ("portal invoices", f"/portal/{ws.pk}/invoices/", "client"),
             ("portal messages", f"/portal/{ws.pk}/messages/", "client"),
             *((f"/{key}/", f"/{key}/", "team") for key in PAGE_RESOURCES),
             ("/events/", "/events/", "team")]
    found = [(name, path, who, None, True) for name, path, who in pages]

    def deep_cursor(queryset) -> str:
        columns = ordering_of(queryset)
        backwards = queryset.order_by(*[name if desc else f"-{name}" for name, desc in columns])
        row = backwards[min(49, queryset.count() - 1)]  # the row 50 from the end
        return cursor_for(row, columns)

    lists = {"/api/events": scoped(Event, ws), "/api/webhooks/deliveries": scoped(Delivery, ws)}
    lists |= {f"/api{prefix}": scoped(r.model, ws) for prefix, r in API_RESOURCES.items()}
    lists["/api/messages"] = scoped(m.Message, ws).order_by("-created_at", "-id")
    for path, queryset in lists.items():
        first = f"GET {path}"
        found.append((first, path, "api", None, True))
        found.append((f"GET {path} deep", f"{path}?cursor={deep_cursor(queryset)}", "api", first, True))
        if path in ("/api/events", "/api/webhooks/deliveries"):
            found.append((f"GET {path} offset=10000", f"{path}?offset={MAX_OFFSET}", "api", first, False))
    return found


def read_all(b: Builder) -> tuple[dict, dict]:
    """Every route timed and counted; returns (results, captured queries of each)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    team = Client()
    team.force_login(b.owner)
    client = Client()
    signed = client.post(f"/portal/{b.ws.pk}/sign-in/",
                         {"email": b.client_contact.email, "password": b.client_password})
    assert signed.status_code == 302, f"the portal client could not sign in: {signed.status_code}"
    api = Client(HTTP_AUTHORIZATION=f"Bearer {b.api_key}")
    who = {"team": team, "client": client, "api": api}
    results, captured = {}, {}
    for name, path, kind, first, with_ratio in routes(b):
        browser = who[kind]
        status = browser.get(path).status_code  # warm-up
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            browser.get(path)
            times.append((time.perf_counter() - started) * 1000)
        timings = []
        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed(timings)):
            browser.get(path)
        results[name] = {"ms": statistics.median(times), "queries": len(queries), "status": status, "path": path[:120]}
        if first:
            results[name]["first_page_of"] = first
        if not with_ratio:
            results[name]["no_ratio"] = True
        # Django logs each query's time to the millisecond; the wrapper times it to the microsecond
        # and keeps its parameters apart, so the EXPLAIN runs the statement exactly as it was sent.
        captured[name] = timings or [{**q, "params": None} for q in queries.captured_queries]
    return results, captured


def timed(timings: list):
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append({"sql": sql, "params": None if many else params, "many": many,
                            "time": time.perf_counter() - started})
    return wrapper


def explain(captured: list[dict]) -> str:
    """The read's query times, its slowest queries, and the plan the database chose for the slowest
    (EXPLAIN ANALYZE runs the statement: in a transaction rolled back, as it may be a write)."""
    from django.db import connection, transaction

    queries = [q for q in captured if not q.get("many")]
    if not queries:
        return "(no queries)"
    ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
    lines = ["query times (ms, in order): " + ", ".join(f"{float(q['time']) * 1000:.2f}" for q in captured)]
    lines += [f"{float(q['time']) * 1000:7.2f} ms  {' '.join(q['sql'].split())[:400]}" for q in ranked[:3]]
    slowest = ranked[0]
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(prefix + slowest["sql"], slowest["params"])
                lines += [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
            transaction.set_rollback(True)
    except Exception as error:  # a statement the database will not explain (e.g. SAVEPOINT)
        lines.append(f"(no plan: {type(error).__name__}: {error})")
    return "\n".join(lines)


def child(size: str, out: str) -> None:
    fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubwire.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # ALLOWED_HOSTS for the test client's "testserver"
    call_command("migrate", verbosity=0)
    counts = counts_for(size)
    b = Builder(counts)
    b.seed()
    started = time.perf_counter()
    b.build()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    analyze()
    analyze_seconds = time.perf_counter() - started
    print(f"scale: {label(size)} loaded ({b.loader.rows:,} rows, {load_seconds:.0f} s, "
          f"ANALYZE {analyze_seconds:.0f} s); reading the routes", flush=True)
    results, captured = read_all(b)

    # Routes over target at the largest size: the plan of each one's slowest query.
    explains = {}
    if size != "small":
        small_file = os.path.join(os.path.dirname(out), "small.json")
        small = {}
        if os.path.exists(small_file):
            with open(small_file) as f:
                small = json.load(f)["routes"]
        for name, result in results.items():
            if verdict(name, small.get(name), result, results):
                explains[name] = explain(captured[name])
    with open(out, "w") as f:
        json.dump({"backend": "PostgreSQL" if connection.vendor == "postgresql" else "SQLite", "counts": counts,
                   "rows": b.loader.rows, "load_seconds": load_seconds, "analyze_seconds": analyze_seconds,
                   "routes": results, "explains": explains}, f)
    drop_database()


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
