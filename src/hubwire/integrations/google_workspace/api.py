"""The Admin SDK Directory API (providers.md §5) on the connected Workspace account.

    with directory_api(connection) as directory:
        user = directory.request("GET", f"/users/{quote(email)}", params={"viewType": "admin_view"})
        for user in directory.pages("/users", "users", {"customer": "my_customer", "maxResults": 500}):
            ...

Every call goes through the framework's client (integrations/http.py: timeouts, retries of 429 and
of safe 5xx, the account's rate-limit bucket). Google's answers that callers act on become
exceptions of their own: 404 is NotFound, 409 is Duplicate, a 403 `forbidden` is Forbidden (the
connected account may not do this: no retry can help), and a timeout is NoAnswer (the call may or
may not have been applied: a create checks by reading before it says anything).

Quota: the Directory API answers 403 (not 429) with `userRateLimitExceeded` / `quotaExceeded` /
`rateLimitExceeded` when hubwire goes too fast. Such a call changed nothing, so it is sent again
after a backoff, a bounded number of times (HUBWIRE_GOOGLE_WORKSPACE_QUOTA_RETRIES, 4 by default,
waiting HUBWIRE_GOOGLE_WORKSPACE_BACKOFF_SECONDS · 2^n); only when those are used up does the caller
see a ProviderError, retryable, in Google's words."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from django.conf import settings

from hubwire.core.number_settings import number_setting
from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import connection_client

KEY = "google_workspace"
BASE = "/admin/directory/v1"
# The 403 reasons that mean "slow down", not "not allowed" (developers.google.com/admin-sdk/directory/v1/limits).
SLOWED_DOWN = frozenset({"userRateLimitExceeded", "quotaExceeded", "rateLimitExceeded"})


def setting(name: str, default):
    """A Google Workspace setting HUBWIRE_GOOGLE_WORKSPACE_<NAME> (core/number_settings.py)."""
    return number_setting(f"HUBWIRE_GOOGLE_WORKSPACE_{name}", default)


def requests_per_minute() -> int:
    # 2,400 queries a minute per user per project (developers.google.com/admin-sdk/directory/v1/limits).
    return setting("REQUESTS_PER_MINUTE", 2400)


class NotFound(ProviderError):
    """404: no such user, group or member (or, for a user just created, not visible yet)."""


class Duplicate(ProviderError):
    """409: a user or group with this address already exists, or the member is already in the group."""


class Forbidden(ProviderError):
    """403 forbidden: the connected account may not do this (not an admin, an unverified domain)."""


class NoAnswer(ProviderError):
    """The call timed out: Google may or may not have applied it. Read before believing either."""


def wait(seconds: float) -> None:
    """Wait before asking Google again (a quota backoff, a new user not visible yet): the one place
    hubwire's Workspace code waits, so that a test lets the sandbox's clock pass instead of the machine's."""
    time.sleep(seconds)


class DirectoryApi:
    def __init__(self, client: httpx.Client):
        self.client = client
        self.provider = PROVIDERS[KEY]

    def url(self, path: str) -> str:
        """`path` is under /admin/directory/v1 ("/users", "/groups/{key}/members")."""
        return self.provider.url("admin", BASE + path)

    def request(self, method: str, path: str, *, params: dict | None = None, json: dict | None = None) -> dict | None:
        """One Directory call: Google's JSON answer (None for an empty 204 body), or an exception
        (NotFound, Duplicate, Forbidden, NoAnswer, or a ProviderError in Google's words)."""
        retries = setting("QUOTA_RETRIES", 4)
        for attempt in range(retries + 1):
            try:
                response = self.client.request(method, self.url(path), params=params, json=json)
            except httpx.TransportError:  # a timeout, a dropped connection: the call may have landed
                raise NoAnswer(f"Google Workspace did not answer {method} {path} in time; it may or may not "
                               f"have done it.", status=None, retryable=True) from None
            try:
                raise_for_status(self.provider, response)
            except ProviderError as exc:
                slowed = exc.status == 403 and exc.code in SLOWED_DOWN
                if slowed and attempt < retries:
                    wait(random.uniform(0.5, 1.0) * setting("BACKOFF_SECONDS", 1.0) * 2 ** attempt)
                    continue
                raise _specific(exc, slowed) from None
            if response.status_code == 204 or not response.content:
                return None
            return response.json()
        raise AssertionError("unreachable")

    def pages(self, path: str, items_key: str, params: dict | None = None) -> Iterator[dict]:
        """Every item of a list call, page after page (nextPageToken), one page in memory at a time."""
        params = dict(params or {})
        while True:
            body = self.request("GET", path, params=params) or {}
            yield from body.get(items_key) or []
            token = body.get("nextPageToken")
            if not token:
                return
            params["pageToken"] = token


def while_not_visible(call):
    """call() again while Google answers 404 for something just created (a new user reads as 404 for
    a while, to users.get and to members.insert): HUBWIRE_GOOGLE_WORKSPACE_VISIBLE_RETRIES times,
    HUBWIRE_GOOGLE_WORKSPACE_VISIBLE_BACKOFF_SECONDS · 2^n apart (at most 8 s); then the NotFound."""
    retries, base = setting("VISIBLE_RETRIES", 6), setting("VISIBLE_BACKOFF_SECONDS", 0.5)
    for attempt in range(retries + 1):
        try:
            return call()
        except NotFound:
            if attempt == retries:
                raise
            wait(min(8.0, base * 2 ** attempt))
    raise AssertionError("unreachable")


def _specific(exc: ProviderError, slowed: bool) -> ProviderError:
    kind = {404: NotFound, 409: Duplicate}.get(exc.status or 0, ProviderError)
    if exc.status == 403 and not slowed:
        kind = Forbidden
    return kind(str(exc), status=exc.status, code=exc.code, retry_after=exc.retry_after,
                retryable=True if slowed else exc.retryable)


@contextmanager
def directory_api(connection) -> Iterator[DirectoryApi]:
    """A DirectoryApi acting as `connection`'s admin. Its timeout is HUBWIRE_GOOGLE_WORKSPACE_TIMEOUT_SECONDS,
    the framework's HUBWIRE_HTTP_TIMEOUT by default (a test makes it shorter than the sandbox's delay to
    lose an answer)."""
    with connection_client(PROVIDERS[KEY], connection) as client:
        timeout = setting("TIMEOUT_SECONDS", float(settings.HUBWIRE_HTTP_TIMEOUT))
        client.timeout = httpx.Timeout(timeout, connect=min(5.0, timeout))
        yield DirectoryApi(client)
