"""The users mirror (issue 21, item 2): the pass "google_workspace.users" reads every user of the
domain (users.list, 500 a page, the most Google allows) and upserts one DirectoryUser row per
Google id, then mirrors the groups the same way (groups.refresh_groups); once a read has gone
through every page, the rows it did not see are users deleted in Google, and go. A read that fails half-way removes nothing (the rows it did not reach are not gone,
only unread) and waits to try again. Queued on connect, by Sync now, and hourly (schedule.py).

`user_fields` turns one user resource (admin.directory_v1.json "User") into the row's fields; the
manage and create pages use it too, so a row always says what Google last answered."""

from __future__ import annotations

from datetime import datetime

import httpx
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hubwire.integrations.google_workspace.api import directory_api
from hubwire.integrations.google_workspace.config import KEY, ready_connection
from hubwire.integrations.google_workspace.groups import refresh_groups
from hubwire.integrations.google_workspace.models import DirectoryUser, UserStatus
from hubwire.integrations.health import record_failure, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.jobs.models import RetryLater
from hubwire.sync.models import RunOutcome, SyncPass, SyncRun
from hubwire.sync.passes import progress, queue_pass
from hubwire.sync.registry import pass_handler
from hubwire.sync.runs import sync_run

NAME = "google_workspace.users"
TITLE = "Read the domain's users from Google Workspace"
WHAT = "users"
PAGE_SIZE = 500  # users.list maxResults: at most 500 (admin.directory_v1.json)
RETRY_SECONDS = 30.0
# Google's lastLoginTime of a user who never signed in.
NEVER = "1970-01-01T00:00:00.000Z"
MIRRORED = ["primary_email", "given_name", "family_name", "full_name", "given_key", "family_key", "status",
            "suspension_reason", "is_admin", "is_delegated_admin", "two_sv_enrolled", "two_sv_enforced",
            "last_login_at", "created_in_google_at", "org_unit_path", "etag", "refreshed_at"]


def queue(workspace, *, trigger: str) -> SyncPass:
    return queue_pass(workspace, KEY, NAME, title=TITLE, trigger=trigger)


def status_of(user: dict) -> str:
    if user.get("archived"):
        return UserStatus.ARCHIVED
    if user.get("suspended"):
        return UserStatus.SUSPENDED
    if not user.get("lastLoginTime") or user.get("lastLoginTime") == NEVER:
        return UserStatus.PENDING
    return UserStatus.ACTIVE


def _time(value) -> datetime | None:
    if not value or value == NEVER:
        return None
    return parse_datetime(str(value))


def user_fields(user: dict, *, now: datetime | None = None) -> dict:
    """The mirror's fields from one Google user resource."""
    name = user.get("name") or {}
    given, family = str(name.get("givenName") or "")[:60], str(name.get("familyName") or "")[:60]
    return {
        "primary_email": str(user.get("primaryEmail") or "").lower()[:254],
        "given_name": given, "family_name": family,
        "full_name": str(name.get("fullName") or f"{given} {family}".strip())[:200],
        "given_key": given.lower(), "family_key": family.lower(),
        "status": status_of(user),
        "suspension_reason": str(user.get("suspensionReason") or "")[:40] if user.get("suspended") else "",
        "is_admin": bool(user.get("isAdmin")), "is_delegated_admin": bool(user.get("isDelegatedAdmin")),
        "two_sv_enrolled": bool(user.get("isEnrolledIn2Sv")), "two_sv_enforced": bool(user.get("isEnforcedIn2Sv")),
        "last_login_at": _time(user.get("lastLoginTime")), "created_in_google_at": _time(user.get("creationTime")),
        "org_unit_path": str(user.get("orgUnitPath") or "")[:255], "etag": str(user.get("etag") or "")[:200],
        "refreshed_at": now or timezone.now(),
    }


def mirror_put(connection, user: dict) -> DirectoryUser:
    """Store what Google just answered about one user (a create, a change): the row made or updated."""
    row, _ = DirectoryUser.objects.update_or_create(
        connection=connection, google_id=str(user["id"]),
        defaults={"workspace_id": connection.workspace_id, **user_fields(user)})
    return row


def mirror_page(connection, users: list[dict], *, now: datetime) -> tuple[int, int]:
    """Upsert one page of users in two queries and two bulk writes; (created, updated)."""
    by_id = {str(u["id"]): u for u in users if u.get("id")}
    known = {row.google_id: row for row in DirectoryUser.objects.filter(connection=connection, google_id__in=by_id)}
    new, changed = [], []
    for google_id, user in by_id.items():
        fields = user_fields(user, now=now)
        row = known.get(google_id)
        if row is None:
            new.append(DirectoryUser(workspace_id=connection.workspace_id, connection=connection, google_id=google_id,
                                     **fields))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            changed.append(row)
    with transaction.atomic():
        DirectoryUser.objects.bulk_create(new, batch_size=500)
        DirectoryUser.objects.bulk_update(changed, MIRRORED, batch_size=500)
    return len(new), len(changed)


@pass_handler(NAME)
def read_users(sync_pass) -> str:
    workspace = sync_pass.workspace
    connection = ready_connection(workspace)
    with sync_run(workspace=workspace, provider=KEY, what=WHAT, trigger=sync_pass.trigger) as run:
        if connection is None:
            why = "Waiting for a super admin of Google Workspace to be connected."
            run.wait(why)
            return why
        started = timezone.now()
        read, page = 0, []
        try:
            with directory_api(connection) as directory:
                for user in directory.pages("/users", "users", {"customer": "my_customer", "maxResults": PAGE_SIZE,
                                                                "orderBy": "email", "projection": "basic",
                                                                "viewType": "admin_view"}):
                    page.append(user)
                    if len(page) == PAGE_SIZE:
                        read += _store(connection, run, page, started)
                        progress(sync_pass, done=read)
                        page = []
                read += _store(connection, run, page, started)
                # The groups in the same read, so that Create User and View Groups offer today's.
                groups = refresh_groups(connection, directory)
                run.created, run.updated = run.created + groups.added, run.updated + groups.changed
        except NeedsReconnect as exc:
            run.wait(str(exc))
            return f"waiting: {exc}"
        except (ProviderError, httpx.HTTPError) as exc:
            record_failure(PROVIDERS[KEY], connection, str(exc))
            if getattr(exc, "retryable", True):
                raise RetryLater(f"Google Workspace did not answer ({exc}); trying again shortly",
                                 after_seconds=getattr(exc, "retry_after", None) or RETRY_SECONDS) from None
            raise
        gone = DirectoryUser.objects.filter(connection=connection, refreshed_at__lt=started)
        run.removed = gone.delete()[1].get(DirectoryUser._meta.label, 0)
        record_success(connection)
    return run.counts_in_words


def _store(connection, run, page: list[dict], started: datetime) -> int:
    if page:
        created, updated = mirror_page(connection, page, now=max(timezone.now(), started))
        run.created += created
        run.updated += updated
    return len(page)


def last_refresh(workspace) -> SyncRun | None:
    """The latest finished read of the domain's users: what the tab says about the mirror's age."""
    return (SyncRun.objects.filter(workspace=workspace, provider=KEY, what=WHAT)
            .exclude(outcome=RunOutcome.RUNNING).order_by("-started_at", "-id").first())


def refreshing(workspace) -> bool:
    from hubwire.jobs.models import JobStatus

    return SyncPass.objects.filter(workspace=workspace, provider=KEY, name=NAME,
                                   status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists()
