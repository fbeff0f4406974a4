"""Shared fixtures: two workspaces, the three users every access test names (an owner, a member,
an outsider from another workspace), API clients, a real Celery worker, and service checks."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from hubwire.core.models import ApiKey, Role
from hubwire.core.services import member_add
from hubwire.core.models import User
from hubwire.core.services import workspace_create

PASSWORD = "correct horse battery staple 42"
REQUIRE_SERVICES = os.environ.get("HUBWIRE_REQUIRE_SERVICES") == "1"


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes():
    """Argon2 costs ~0.1 s of CPU per hash by design; the suite makes a user or signs in for most
    of its tests, so it hashes with a fast hasher instead (test_settings checks that hubwire itself
    hashes with Argon2). Processes a test starts (`hubwire run`, workers) keep the real settings."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def quick_flush_on_postgresql():
    """A transactional test (a live server, a worker) ends by emptying every table. Django does it on
    PostgreSQL with one TRUNCATE of them all, which recreates each table's files: 0.3-0.5 s a test
    here, where DELETE of the few rows a test leaves takes 2 ms, in one round trip. The foreign keys
    Django makes are deferrable, so the order does not matter inside the flush's transaction. Only
    the tests' flush uses sql_flush; one that resets sequences or cascades keeps Django's TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED; " + " ".join(f"DELETE FROM {self.quote_name(t)};" for t in tables)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


def service_or_skip(host: str, port: int, what: str) -> None:
    """Skip with a reason when a service is down, unless HUBWIRE_REQUIRE_SERVICES=1 (CI), then fail."""
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        message = f"{what} is not answering on {host}:{port} ({exc})"
        if REQUIRE_SERVICES:
            pytest.fail(message + " and HUBWIRE_REQUIRE_SERVICES=1")
        pytest.skip(message)


@pytest.fixture
def owner(db):
    return User.objects.create_user("owner@example.test", PASSWORD)


@pytest.fixture
def workspace(owner):
    return workspace_create(name="Northwind", owner=owner)


@pytest.fixture
def member(workspace):
    user = User.objects.create_user("member@example.test", PASSWORD)
    return member_add(workspace=workspace, user=user, role=Role.MEMBER).user


@pytest.fixture
def other_workspace(db):
    stranger = User.objects.create_user("outsider@example.test", PASSWORD)
    return workspace_create(name="Elsewhere Inc", owner=stranger)


@pytest.fixture
def outsider(other_workspace):
    return other_workspace.memberships.get().user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner, workspace):
    return logged_in(owner)


@pytest.fixture
def api_key(workspace):
    return ApiKey.issue(workspace=workspace, name="tests")[1]


@pytest.fixture
def api(api_key):
    return Client(headers={"Authorization": f"Bearer {api_key}"})


@pytest.fixture
def outsider_api(other_workspace):
    return Client(headers={"Authorization": f"Bearer {ApiKey.issue(workspace=other_workspace, name='x')[1]}"})


def database_url_for_subprocess() -> str:
    """The URL of the database this test run actually uses (the test database), for a child process."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def purge_broker() -> None:
    """An empty queue (messages left by an earlier run point at rows that are gone); skips without a broker."""
    parts = urlsplit(settings.CELERY_BROKER_URL)
    if parts.scheme in ("redis", "amqp"):
        service_or_skip(parts.hostname or "127.0.0.1", parts.port or {"redis": 6379, "amqp": 5672}[parts.scheme], parts.scheme)
    from amqp.exceptions import NotFound

    from hubwire.celery import app

    with app.connection_for_write() as conn:
        try:
            conn.default_channel.queue_purge("celery")
        except NotFound:  # RabbitMQ: no worker has declared the queue yet, so nothing is in it
            pass


def start_worker(*, beat: bool = False, **extra_env: str) -> subprocess.Popen:
    """A real Celery worker process (prefork, 2 processes) on this run's broker and test database, in
    its own process group (so a test can kill -9 all of it). With beat=True it runs the schedule too."""
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "PYTHONWARNINGS": "ignore"}
    if settings.HUBWIRE_SANDBOX:  # the `sandbox` fixture ran first: the worker calls the live server's sandbox
        env.update(HUBWIRE_SANDBOX="1", HUBWIRE_BASE_URL=settings.HUBWIRE_BASE_URL, HUBWIRE_SANDBOX_URL="")
    env["HUBWIRE_WEBHOOKS_ALLOW_PRIVATE"] = "1" if settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE else "0"
    env.update(extra_env)
    command = [sys.executable, "-m", "celery", "-A", "hubwire", "--quiet", "worker", "--concurrency", "2",
               "--loglevel", "WARNING", "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
               "--without-gossip", "--without-mingle"]
    if beat:
        command += ["--beat", "--schedule", os.path.join(tempfile.mkdtemp(prefix="hubwire-beat-"), "schedule")]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def stop_worker(proc: subprocess.Popen) -> None:
    """A warm shutdown: the worker finishes the tasks it has started, then exits."""
    proc.terminate()
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# The fixtures through which a test reaches hubwire's database (or a server that does).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server", "sandbox", "celery_worker"}


def runs_the_same_on_any_database(item) -> bool:
    """What a second pass on another database and broker (scripts/test.sh's PostgreSQL + Redis pass,
    HUBWIRE_SECOND_PASS=1) would only repeat: the sandbox's own tests (the emulators keep their state
    in the sandbox's SQLite file in every pass, so hubwire's database is not what they test), and
    tests that reach no database at all (pure functions: the segment counter, the schedule rules)."""
    if item.nodeid.startswith("tests/sandbox/"):
        return True
    return not item.get_closest_marker("django_db") and not (DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """A test with a real worker must carry the `worker` mark, or the RabbitMQ pass of
    scripts/test.sh (`pytest -m worker`) would leave it out. A second pass runs only what its
    database can change (runs_the_same_on_any_database)."""
    unmarked = [item.nodeid for item in items
                if "celery_worker" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("worker")]
    if unmarked:
        raise pytest.UsageError("mark these @pytest.mark.worker (they use celery_worker): " + ", ".join(unmarked))
    if os.environ.get("HUBWIRE_SECOND_PASS") == "1":
        repeated = [item for item in items if runs_the_same_on_any_database(item)]
        if repeated:
            config.hook.pytest_deselected(items=repeated)
            items[:] = [item for item in items if not runs_the_same_on_any_database(item)]


@pytest.fixture
def celery_worker(transactional_db):
    """A real worker for the test. Ask for `sandbox` before it to have the worker reach the sandbox
    in the live server."""
    purge_broker()
    proc = start_worker()
    yield proc
    stop_worker(proc)


def in_threads(count: int, work) -> tuple[list, list]:
    """Call `work()` from `count` threads released at the same moment; (results, exceptions)."""
    from django.db import connections

    results, errors = [], []
    start = threading.Barrier(count)

    def one():
        try:
            start.wait()
            results.append(work())
        except Exception as exc:  # collected for the test to assert on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def wait_until(condition, timeout: float = 120.0, interval: float = 0.2, message: str = "condition"):
    """Poll until `condition()` is truthy. The deadline is generous on purpose: a busy machine is
    slow, not wrong; only a condition that never comes should fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


# --- the provider sandbox ------------------------------------------------------------------------

# Tests that talk to the sandbox use both databases (the sandbox keeps its state in its own).
SANDBOX_DB = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])


class Sandbox:
    """The sandbox served by the live server, and its test hooks over HTTP."""

    # Generous: a control call may seed thousands of rows (workspace-seed makes 10,000 users, over
    # 10 s on a busy 2-core machine), and a call only waits as long as the sandbox takes.
    CONTROL_TIMEOUT = 180

    def __init__(self, base_url: str):
        self.base_url = base_url

    def control(self, action: str, **data) -> dict:
        import httpx

        from hubwire.core.tls import tls_context

        response = httpx.post(f"{self.base_url}/sandbox/_control/{action}/", json=data,
                              timeout=self.CONTROL_TIMEOUT, verify=tls_context())
        response.raise_for_status()
        return response.json()

    def calls(self, host: str, path: str = "", note: str | None = None):
        from hubwire.sandbox.models import Call

        calls = Call.objects.filter(host=host)
        if path:
            calls = calls.filter(path=path)
        if note is not None:
            calls = calls.filter(note=note)
        return list(calls.order_by("id"))

    def tokens(self, server: str, **filters):
        from hubwire.sandbox.models import Token

        return list(Token.objects.filter(server=server, **filters))


@pytest.fixture
def sandbox(live_server, settings):
    """hubwire pointed at the sandbox in the live server, as `make run` is (HUBWIRE_SANDBOX=1)."""
    settings.HUBWIRE_SANDBOX = True
    settings.HUBWIRE_SANDBOX_URL = ""
    settings.HUBWIRE_BASE_URL = live_server.url
    settings.HUBWIRE_PROVIDER_ENV = {}
    return Sandbox(live_server.url)


# --- a real browser ------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# How long a page action or an expectation may wait: generous, since a waiting test only waits
# as long as its condition takes, and chromium beside other work can take seconds to paint.
BROWSER_TIMEOUT_MS = 60_000
# Playwright's sync API keeps an event loop in this thread; the ORM calls below are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page():
    if not shutil.which(CHROMIUM):
        if REQUIRE_SERVICES:
            pytest.fail(f"{CHROMIUM} is missing (make test installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        yield page
        browser.close()


def sign_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def book_in_browser(page, base_url: str, *, title: str, start: str, end: str, time_zone: str,
                    location_type: str) -> None:
    """Fill the new-appointment form (times as datetime-local values) and land on the appointment."""
    page.goto(f"{base_url}/appointments/new/")
    page.fill("#id_title", title)
    page.fill("#id_start", start)
    page.fill("#id_end", end)
    page.fill("#id_time_zone", time_zone)
    page.select_option("#id_location_type", location_type)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(base_url)}/appointments/\d+/$"))
