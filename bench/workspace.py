"""workspace: mirroring a Google Workspace domain against what Google's quota allows (issue 21).

The sandbox Google Workspace holds USERS users and GROUPS groups (its `workspace-seed` hook, beside
its sample people); hubwire, served over HTTP by a threaded server in this process on SQLite,
connects as the super admin and runs the read that connecting queues (users.list 500 a page, then
groups.list 200 a page) to the end. Google's per-user quota (2,400 queries a minute) is scaled by
FACTOR on both sides (HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE and
HUBWIRE_GOOGLE_WORKSPACE_REQUESTS_PER_MINUTE).

Prints the read's time and calls beside its ceiling: the same pages read through the same client
with nothing stored (Google's answers alone; the quota does not bind 24 calls, a hundredth of a
minute's 2,400), as a ratio (target >= 0.9), and the quota answers (403 userRateLimitExceeded, 429)
that reached the read as a failure (target 0). Never asserts. `python -m bench workspace`; BENCH_WS_USERS,
BENCH_WS_GROUPS and BENCH_WS_FACTOR change it."""

import logging
import os

from bench.calendar import connect, run_pass
from bench.quickbooks import serve

USERS = int(os.environ.get("BENCH_WS_USERS", "10000"))
GROUPS = int(os.environ.get("BENCH_WS_GROUPS", "500"))
FACTOR = float(os.environ.get("BENCH_WS_FACTOR", "1"))
RATIO_TARGET = 0.9
ADMIN_API = "admin.googleapis.com"
SUPER_ADMIN = "owner@northwind.example"


def scale_quota(settings) -> int:
    from hubwire.integrations.google_workspace import api

    per_minute = round(api.requests_per_minute() * FACTOR)
    settings.HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE = per_minute
    settings.HUBWIRE_GOOGLE_WORKSPACE_REQUESTS_PER_MINUTE = per_minute
    return per_minute


def seed(base_url: str) -> dict:
    import httpx

    answer = httpx.post(f"{base_url}/sandbox/_control/workspace-seed/", timeout=600,
                        json={"users": USERS, "groups": GROUPS, "members_per_group": 5})
    answer.raise_for_status()
    return answer.json()


def read_only(connection) -> float:
    """The ceiling: every page the read asks for, through hubwire's client, nothing stored; its seconds."""
    import time

    from hubwire.integrations.google_workspace.api import directory_api
    from hubwire.integrations.google_workspace.groups import LIST_PAGE_SIZE
    from hubwire.integrations.google_workspace.users import PAGE_SIZE

    started = time.perf_counter()
    with directory_api(connection) as directory:
        for _ in directory.pages("/users", "users", {"customer": "my_customer", "maxResults": PAGE_SIZE,
                                                     "orderBy": "email", "projection": "basic",
                                                     "viewType": "admin_view"}):
            pass
        for _ in directory.pages("/groups", "groups", {"customer": "my_customer", "maxResults": LIST_PAGE_SIZE,
                                                       "orderBy": "email"}):
            pass
    return time.perf_counter() - started


def mirror(workspace, connection, quota: int) -> str:
    from hubwire.integrations.google_workspace import users
    from hubwire.integrations.google_workspace.group_models import WorkspaceGroup
    from hubwire.integrations.google_workspace.models import DirectoryUser
    from hubwire.sandbox.models import Call

    before = Call.objects.order_by("-id").values_list("id", flat=True).first() or 0
    seconds = run_pass(users.NAME)
    calls = Call.objects.filter(host=ADMIN_API, id__gt=before)
    refused = calls.filter(status__in=(403, 429)).count()
    answered = calls.count() - refused
    ceiling = read_only(connection)
    ratio = ceiling / seconds
    mirrored = DirectoryUser.objects.filter(workspace=workspace).count()
    groups = WorkspaceGroup.objects.filter(workspace=workspace).count()
    verdict = "ok" if ratio >= RATIO_TARGET and refused == 0 else "BELOW TARGET"
    return (f"workspace: mirrored {mirrored:,} users and {groups:,} groups in {seconds:.2f} s over {answered} calls "
            f"({answered / quota:.0%} of the {quota:,}/min quota, Google's 2,400 x{FACTOR:g}); reading the same pages "
            f"storing nothing takes {ceiling:.2f} s -> ratio {ratio:.2f} (target {RATIO_TARGET:.2f}); quota answers "
            f"that reached the read: {refused} (target 0) {verdict}")


def run() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from hubwire.core.models import User
    from hubwire.core.services import workspace_create

    logging.getLogger("hubwire.http").setLevel(logging.WARNING)
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)
    settings.HUBWIRE_SANDBOX, settings.HUBWIRE_SANDBOX_URL = True, ""
    settings.HUBWIRE_BASE_URL = serve()
    quota = scale_quota(settings)
    seeded = seed(settings.HUBWIRE_BASE_URL)
    owner = User.objects.create_user("bench-workspace@example.test", "bench-workspace-password-1")
    workspace = workspace_create(name="Bench Workspace", owner=owner)
    connection = connect(owner, workspace, "google_workspace", SUPER_ADMIN)
    print(f"workspace: the sandbox domain holds {seeded.get('users', '?'):,} users and {seeded.get('groups', '?'):,} "
          "groups", flush=True)
    print(mirror(workspace, connection, quota), flush=True)
