"""webhooks: the outbound delivery engine against the fastest plain Python sender (issue 5).

Per backend (SQLite + the SQLite broker; PostgreSQL + Redis when they answer), with a real Celery
worker and one local aiohttp receiver:

- ceiling: aiohttp posting the same signed payloads to the same receiver at the same concurrency,
  no database: requests per second.
- throughput: EVENTS events to ENDPOINTS endpoints, already committed, released at once to the
  dispatcher: deliveries per second from release to the last receipt, as a ratio of the ceiling.
- write path: `lead_create` (the lead, its event and its timeline line, one transaction; the
  deliveries are written from the event by the dispatcher, webhooks/fanout.py) against its
  ceiling, the same lead inserted with a bare `Lead.objects.create` on the same database, as a
  ratio; beside the peer's pattern (django-webhook: a plain save() and a Celery task per event,
  outside any transaction), measured here on the same database and broker. Then where the time
  goes: the same service with its event switched off, so that what the event and its timeline
  line add is read directly; the floor of any transactional outbox (the lead as the ORM saves it
  and one appended event row, core/append.py, in one transaction); and that floor's ratio with no
  ORM compile at all (one appended row alone vs the row and its event appended in one
  transaction: what the transaction itself costs on this database).
- latency: events committed at RATE per second (from COMMITTERS processes, as from gunicorn's
  workers: threads of one process would share its GIL) for SECONDS seconds while the worker runs:
  p50 and p99 from each event's commit to its receipt, every endpoint's copy counted.

Targets on PostgreSQL + Redis: ratio >= 0.50, write ratio >= 0.50 and p99 < 1 s at 200 events/s.
Prints, never asserts. Run alone with `python -m bench webhooks`; BENCH_WEBHOOK_PG_DB and
BENCH_WEBHOOK_REDIS_DB pick the database and Redis number it wipes (hubwire_bench, 7)."""

import asyncio
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "2500"))
ENDPOINTS = int(os.environ.get("BENCH_WEBHOOK_ENDPOINTS", "2"))
RATE = float(os.environ.get("BENCH_WEBHOOK_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_WEBHOOK_SECONDS", "10"))
CONCURRENCY = 16
COMMITTERS = 4
WRITES = min(EVENTS, 1000)  # bare inserts and peer writes measured
RATIO_TARGET, WRITE_RATIO_TARGET, P99_TARGET = 0.50, 0.50, 1.0
PG_DB = os.environ.get("BENCH_WEBHOOK_PG_DB", "hubwire_bench")
REDIS_DB = os.environ.get("BENCH_WEBHOOK_REDIS_DB", "7")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def backends() -> list[tuple[str, dict]]:
    var = tempfile.mkdtemp(prefix="hubwire-bench-webhooks-")
    found = [("SQLite + SQLite broker", {"DATABASE_URL": f"sqlite:///{var}/hubwire.sqlite3",
                                         "CELERY_BROKER_URL": f"sqla+sqlite:///{var}/broker.sqlite3",
                                         "HUBWIRE_VAR_DIR": var})]
    pg = os.environ.get("HUBWIRE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hubwire")
    redis = os.environ.get("HUBWIRE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if reachable(pg, 5432) and reachable(redis, 6379):
        parts = urlsplit(pg)
        found.append(("PostgreSQL + Redis", {
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{PG_DB}")),
            "CELERY_BROKER_URL": urlunsplit(urlsplit(redis)._replace(path=f"/{REDIS_DB}")),
            "HUBWIRE_VAR_DIR": tempfile.mkdtemp(prefix="hubwire-bench-webhooks-")}))
    else:
        print("webhooks: PostgreSQL + Redis not reachable on 127.0.0.1; measured SQLite only")
    return found


def run() -> None:
    """Each backend in a child process (Django's settings are read once per process)."""
    for label, env in backends():
        subprocess.run([sys.executable, "-m", "bench.webhooks", label],
                       env={**os.environ, **env, "HUBWIRE_SANDBOX": "0", "HUBWIRE_WEBHOOKS_ALLOW_PRIVATE": "1",
                            "HUBWIRE_DB_CONN_MAX_AGE": "60", "PYTHONWARNINGS": "ignore"}, check=False)


# --- in the child ----------------------------------------------------------------------------------

def fresh_database() -> None:
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    broker = os.environ["CELERY_BROKER_URL"]
    if broker.startswith("redis"):
        import redis

        redis.Redis.from_url(broker).flushdb()


def receipts(base: str) -> list:
    with urllib.request.urlopen(f"{base}/stats") as answer:
        return json.loads(answer.read())


def reset(base: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{base}/reset", method="POST")).read()


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"webhooks bench: gave up waiting for {what}")
        time.sleep(0.05)


def ceiling(items: list[tuple[str, bytes, dict]]) -> float:
    import aiohttp

    async def post_all() -> float:
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def one(url, body, headers):
                async with session.post(url, data=body, headers=headers) as answer:
                    await answer.read()

            started = time.perf_counter()
            await asyncio.gather(*(one(*item) for item in items))
            return len(items) / (time.perf_counter() - started)

    return asyncio.run(post_all())


def rate_of(count: int, write) -> float:
    started = time.perf_counter()
    for n in range(count):
        write(n)
    return count / (time.perf_counter() - started)


def write_path(workspace) -> dict:
    """Writes per second of lead_create, of its ceiling (a bare insert) and floors, and of the peer's
    pattern; and the queries per lead_create. Leaves EVENTS events committed; the wake-up messages
    are dropped by the caller."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from hubwire.celery import app
    from hubwire.core.append import append
    from hubwire.crm.models import Lead
    from hubwire.crm.services.people import account_create, lead_create
    from hubwire.events.models import Event

    bare = rate_of(WRITES, lambda n: Lead.objects.create(workspace=workspace, name=f"Bare {n}"))

    def floor(n: int) -> None:  # what any outbox pays: the row and one more, in one transaction
        with transaction.atomic():
            Lead.objects.create(workspace=workspace, name=f"Floor {n}")
            append(Event(workspace=workspace, type="bench.floor", data={"id": n}, fanned_out=True))

    # The same two shapes with no ORM compile at all (both rows appended): what the transaction
    # itself costs on this database, before any framework.
    def structure(n: int) -> None:
        with transaction.atomic():
            append(Lead(workspace=workspace, name=f"Structure {n}"))
            append(Event(workspace=workspace, type="bench.floor", data={"id": n}, fanned_out=True))

    one_row = rate_of(WRITES, lambda n: append(Lead(workspace=workspace, name=f"Row {n}")))
    figures = {"bare": bare, "floor": rate_of(WRITES, floor), "one_row": one_row,
               "structure": rate_of(WRITES, structure)}
    with mock.patch("hubwire.crm.services.common.emit_for"):  # the same service, writing no event
        figures["alone"] = rate_of(WRITES, lambda n: lead_create(workspace=workspace, actor="bench", name=f"Alone {n}"))
    with CaptureQueriesContext(connection) as queries:
        lead_create(workspace=workspace, actor="bench", name="Counted")
    figures["ours"] = rate_of(EVENTS - 1, lambda n: lead_create(workspace=workspace, actor="bench", name=f"Lead {n}"))

    # An account's event has a handler (QuickBooks follows accounts); without QuickBooks it wants no
    # run, so the change writes no HandlerRun and sends no broker message (events.registry.on).
    figures["account"] = rate_of(WRITES, lambda n: account_create(workspace=workspace, actor="bench", name=f"Acct {n}"))
    Event.objects.filter(type="account.created").update(fanned_out=True)  # the phases below send the leads' only

    def peer(n: int) -> None:  # as django-webhook's post_save does: a task per change (purged later)
        Lead.objects.create(workspace=workspace, name=f"Peer {n}")
        app.send_task("bench.peer_webhook", args=[n])

    return {**figures, "peer": rate_of(WRITES, peer), "queries": len(queries)}


def commit_share(committer: int, count: int, begin: float, workspace_id: int) -> dict[int, float]:
    """In a committer process: its share of the paced events, and when each committed."""
    from hubwire.core.models import Workspace
    from hubwire.crm.services.people import lead_create

    workspace, committed = Workspace.objects.get(pk=workspace_id), {}
    for n in range(committer, count, COMMITTERS):
        pause = begin + n / RATE - time.time()
        if pause > 0:
            time.sleep(pause)
        lead = lead_create(workspace=workspace, actor="bench", name=f"Paced {n}")
        committed[lead.pk] = time.time()
    return committed


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubwire.settings")
    import django

    django.setup()


def child(label: str) -> None:
    fresh_database()
    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from hubwire.core.services import workspace_create
    from hubwire.core.models import User
    from hubwire.webhooks.delivery import prepare
    from hubwire.webhooks.fanout import fan_out_pending
    from hubwire.webhooks.models import Delivery, DeliveryStatus
    from hubwire.webhooks.services import endpoint_create
    from hubwire.webhooks.tasks import dispatch

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user(email="bench@example.test", password="x" * 16)
    workspace = workspace_create(name="Bench", owner=owner)
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-m", "bench.receiver", str(port)])
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: reachable(base, port), 10, "the receiver")
    for n in range(ENDPOINTS):
        endpoint_create(workspace=workspace, url=f"{base}/hook/{n}")

    # Events committed with no worker running; their wake-up messages are dropped below.
    writes = write_path(workspace)
    while fan_out_pending():  # the dispatcher's first step, done here so that the phase below times sending
        pass
    Delivery.objects.update(next_attempt_at=timezone.now() + timedelta(days=1))
    total = Delivery.objects.count()

    # The ceiling: the same signed payloads, the same receiver and concurrency, no database.
    items = [(o.url, o.body, o.headers) for o in map(prepare, Delivery.objects.select_related("endpoint"))]
    ceiling_rate = ceiling(items)
    reset(base)

    from hubwire.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "hubwire", "--quiet", "worker", "--beat",
                               "--schedule", os.path.join(os.environ["HUBWIRE_VAR_DIR"], "beat-schedule"),
                               "--concurrency", "2", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                              env={**os.environ, "HUBWIRE_JOBS_TICK_SECONDS": "5"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(4)  # the worker boots
        released = time.time()
        Delivery.objects.update(next_attempt_at=timezone.now())
        dispatch.delay()
        dispatch.delay()
        wait_for(lambda: len(receipts(base)) >= total, 120, "the throughput phase")
        last = max(at for _, _, at in receipts(base))
        engine_rate = total / (last - released)
        wait_for(lambda: not Delivery.objects.exclude(status=DeliveryStatus.SUCCEEDED).exists(), 60, "recording")
        reset(base)

        # Events come from several requests at once in real life: COMMITTERS processes, paced together.
        committed: dict[int, float] = {}
        count = int(RATE * SECONDS)
        with multiprocessing.get_context("spawn").Pool(COMMITTERS, initializer=setup_django) as pool:
            pool.map(time.sleep, [0] * COMMITTERS)  # each has booted Django
            begin = time.time() + 0.5
            for share in pool.starmap(commit_share, [(k, count, begin, workspace.pk) for k in range(COMMITTERS)]):
                committed.update(share)
        achieved = count / (max(committed.values()) - begin)
        wait_for(lambda: len(receipts(base)) >= count * ENDPOINTS, 120, "the latency phase")
        latencies = sorted(at - committed[data_id] for data_id, _, at in receipts(base) if data_id in committed)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        receiver.terminate()

    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    ratio, write_ratio = engine_rate / ceiling_rate, writes["ours"] / writes["bare"]
    ms = {key: 1000 / writes[key] for key in ("ours", "alone", "bare", "floor")}
    verdict = ("ok" if ratio >= RATIO_TARGET and write_ratio >= WRITE_RATIO_TARGET and p99 < P99_TARGET
               else "BELOW TARGET")
    print(f"webhooks [{label}]: {total} deliveries ({EVENTS} events x {ENDPOINTS} endpoints) at "
          f"{engine_rate:,.0f}/s vs aiohttp ceiling {ceiling_rate:,.0f}/s -> ratio {ratio:.2f} "
          f"(target {RATIO_TARGET:.2f});\n"
          f"  write path: lead_create {writes['ours']:,.0f}/s ({writes['queries']} queries) vs bare "
          f"Lead.objects.create {writes['bare']:,.0f}/s -> ratio {write_ratio:.2f} (target {WRITE_RATIO_TARGET:.2f}); "
          f"{writes['ours'] / writes['peer']:.1f}x the peer's save() + Celery task {writes['peer']:,.0f}/s; "
          f"account_create (a handler follows it, unwanted without QuickBooks) {writes['account']:,.0f}/s;\n"
          f"  where it goes: lead_create {ms['ours']:.2f} ms = the same service writing no event {ms['alone']:.2f} ms "
          f"+ the event and its timeline line {ms['ours'] - ms['alone']:.2f} ms ({(ms['ours'] - ms['alone']) / ms['bare']:.2f} "
          f"of the bare row's {ms['bare']:.2f} ms); the outbox floor, the lead and one appended event row in one "
          f"transaction, {writes['floor'] / writes['bare']:.2f} of the bare insert (with no ORM compile at all: "
          f"{writes['structure'] / writes['one_row']:.2f});\n"
          f"  at {achieved:.0f} events/s from {COMMITTERS} processes ({len(latencies)} deliveries) commit->receipt "
          f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms (target < {P99_TARGET * 1000:.0f} ms) {verdict}")
    shutil.rmtree(os.environ["HUBWIRE_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    child(sys.argv[1])
