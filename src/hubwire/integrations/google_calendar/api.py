"""The Calendar API v3 on the connected account's primary calendar (providers.md §3.2–3.4).

    with calendar_api(connection) as cal:
        page = cal.list_events(sync_token=..., page_token=...)
        event = cal.insert(body, conference=True, send_updates="none")
        event = cal.patch(event_id, changes, etag=known_etag)    # EtagMismatch on 412

Every call goes through the framework's client (integrations/http.py: timeouts, retries of 429 and
safe 5xx, the account's rate-limit bucket). Google's answers that the sync acts on become exceptions
of their own: 410 on a list is CursorGone (read everything again), 412 is EtagMismatch (someone
changed the event since hubwire read it), 404/410 on one event is EventGone. A 403 or 429
`rateLimitExceeded` ("can return either 403 or 429", §3.4) is a ProviderError marked retryable,
which the passes turn into a wait."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import httpx

from hubwire.core.number_settings import number_setting
from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import connection_client
from hubwire.sync.cursors import CursorGone

from hubwire.integrations.google_calendar.config import CALENDAR_ID

BASE = "/calendar/v3"
PAGE_SIZE = 250  # events.list's default; at most 2,500 (calendar.v3.json)
# The private extended property that carries hubwire's id on each event it writes: found again by
# it (events.list privateExtendedProperty=hubwire_id=…), never created twice.
HUBWIRE_ID = "hubwire_id"
SLOWED_DOWN = {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}


def setting(name: str, default):
    """A Google Calendar setting HUBWIRE_GOOGLE_CALENDAR_<NAME> (core/number_settings.py)."""
    return number_setting(f"HUBWIRE_GOOGLE_CALENDAR_{name}", default)


def requests_per_minute() -> int:
    # 600 a minute per user per project, a sliding window (developers.google.com/workspace/calendar/api/guides/quota).
    return setting("REQUESTS_PER_MINUTE", 600)


class EtagMismatch(ProviderError):
    """412: the event changed in Google since hubwire read it (If-Match)."""


class EventGone(ProviderError):
    """404 or 410 on one event: it was deleted in Google (or never existed)."""


class CalendarApi:
    def __init__(self, client: httpx.Client):
        self.client = client
        self.provider = PROVIDERS["google_calendar"]

    def url(self, path: str) -> str:
        return self.provider.url("api", f"{BASE}/calendars/{quote(CALENDAR_ID, safe='')}{path}")

    def _answer(self, response: httpx.Response, *, one_event: bool = False) -> httpx.Response:
        try:
            return raise_for_status(self.provider, response)
        except ProviderError as exc:
            if exc.status == 412:
                raise EtagMismatch(str(exc), status=412, code=exc.code, retryable=True) from None
            if one_event and exc.status in (404, 410):
                raise EventGone(str(exc), status=exc.status, code=exc.code, retryable=False) from None
            if exc.status in (403, 429) and exc.code in SLOWED_DOWN:
                raise ProviderError(str(exc), status=exc.status, code=exc.code, retryable=True,
                                    retry_after=exc.retry_after) from None
            raise

    # --- reading -----------------------------------------------------------------------------------

    def list_events(self, *, sync_token: str | None = None, page_token: str | None = None,
                    page_size: int = PAGE_SIZE, **filters) -> dict:
        """One page of events.list. With a sync token, the changes since it (deleted ones included);
        410 → CursorGone. Series come as one event with its `recurrence` (singleEvents=false), and an
        edited or deleted occurrence as an event of its own with recurringEventId."""
        params: dict = {"maxResults": page_size, **filters}
        if sync_token:
            params["syncToken"] = sync_token
        else:
            params.setdefault("showDeleted", "false")
        if page_token:
            params["pageToken"] = page_token
        response = self.client.get(self.url("/events"), params=params)
        if response.status_code == 410 and sync_token:
            raise CursorGone("Google's record of changes since hubwire's last sync had expired (410), so hubwire "
                             "read the whole calendar again")
        return self._answer(response).json()

    def get(self, event_id: str) -> dict:
        return self._answer(self.client.get(self.url(f"/events/{quote(event_id, safe='')}")), one_event=True).json()

    def find_by_hubwire_id(self, hubwire_id: str) -> dict | None:
        """The event carrying this hubwire id (a create whose answer was lost), or None."""
        body = self.list_events(privateExtendedProperty=f"{HUBWIRE_ID}={hubwire_id}", page_size=10,
                                showDeleted="false")
        return next(iter(body.get("items") or []), None)

    # --- writing ----------------------------------------------------------------------------------

    def insert(self, body: dict, *, send_updates: str) -> dict:
        response = self.client.post(self.url("/events"), json=body,
                                    params={"conferenceDataVersion": 1, "sendUpdates": send_updates})
        return self._answer(response).json()

    def patch(self, event_id: str, changes: dict, *, etag: str, send_updates: str) -> dict:
        """Only the fields given change; If-Match makes Google refuse (412) when the event moved on."""
        response = self.client.patch(self.url(f"/events/{quote(event_id, safe='')}"), json=changes,
                                     params={"conferenceDataVersion": 1, "sendUpdates": send_updates},
                                     headers={"If-Match": etag} if etag else {})
        return self._answer(response, one_event=True).json()

    def delete(self, event_id: str, *, etag: str, send_updates: str) -> None:
        """Delete; an event already gone counts as deleted."""
        response = self.client.delete(self.url(f"/events/{quote(event_id, safe='')}"),
                                      params={"sendUpdates": send_updates}, headers={"If-Match": etag} if etag else {})
        try:
            self._answer(response, one_event=True)
        except EventGone:
            pass

    # --- push notifications -------------------------------------------------------------------------

    def watch(self, *, channel_id: str, address: str, token: str, ttl_seconds: int) -> dict:
        body = {"id": channel_id, "type": "web_hook", "address": address, "token": token,
                "params": {"ttl": str(ttl_seconds)}}
        return self._answer(self.client.post(self.url("/events/watch"), json=body)).json()

    def stop(self, *, channel_id: str, resource_id: str) -> None:
        """Stop a channel; one Google no longer knows (expired, already stopped) counts as stopped."""
        response = self.client.post(self.provider.url("api", f"{BASE}/channels/stop"),
                                    json={"id": channel_id, "resourceId": resource_id})
        if response.status_code != 404:
            self._answer(response)


@contextmanager
def calendar_api(connection) -> Iterator[CalendarApi]:
    with connection_client(PROVIDERS["google_calendar"], connection) as client:
        yield CalendarApi(client)
