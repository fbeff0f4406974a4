"""Zoom's Meetings API as hubwire uses it (providers.md §4.2): one scheduled meeting per
appointment, created on the connected user (`me`), moved with PATCH, removed with DELETE.

A create is not idempotent at Zoom, so each meeting carries a marker at the head of its agenda
(Zoom's list shows only the first 250 characters of an agenda). When a create timed out after Zoom
may have acted, the retry lists the user's meetings and adopts the one with the marker."""

import math
from datetime import timezone as tz

import httpx

from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.meetings.types import Meeting, MeetingGone
from hubwire.integrations.paging import TokenPages, each_item

MANAGED_FIELDS = ("topic", "type", "start_time", "duration", "timezone", "agenda")
SCHEDULED = 2  # meeting type: 1 instant, 2 scheduled, 3 and 8 recurring
TOPIC_MAX, AGENDA_MAX = 200, 2000  # Zoom's field limits (Create a meeting, API reference)
MEETING_NOT_FOUND = "3001"
PAGE_SIZE = 300  # the most Zoom's list returns per page


def marker_line(marker: str) -> str:
    return f"Ref. hubwire-{marker}"


def meeting_fields(appointment, marker: str) -> dict:
    """What the Zoom meeting should say, from the appointment. start_time is sent in UTC ("Z"),
    which Zoom reads as GMT whatever `timezone` says; `timezone` sets how Zoom shows it."""
    minutes = max(1, math.ceil((appointment.end - appointment.start).total_seconds() / 60))
    agenda = marker_line(marker) + (f"\n\n{appointment.notes.strip()}" if appointment.notes.strip() else "")
    return {
        "topic": appointment.title[:TOPIC_MAX],
        "type": SCHEDULED,
        "start_time": appointment.start.astimezone(tz.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": minutes,
        "timezone": appointment.time_zone,
        "agenda": agenda[:AGENDA_MAX],
    }


def _meeting(body: dict) -> Meeting:
    return Meeting(meeting_id=str(body["id"]), join_url=body.get("join_url", ""), start_url=body.get("start_url", ""),
                   passcode=body.get("password", ""), fields={k: body[k] for k in MANAGED_FIELDS if k in body})


def _gone(error: ProviderError) -> bool:
    return error.status == 404 and error.code == MEETING_NOT_FOUND


def create(provider, client: httpx.Client, fields: dict) -> Meeting:
    response = client.post(provider.url("api", "/v2/users/me/meetings"), json=fields)
    return _meeting(raise_for_status(provider, response).json())


def get(provider, client: httpx.Client, meeting_id: str) -> Meeting:
    try:
        return _meeting(raise_for_status(provider, client.get(provider.url("api", f"/v2/meetings/{meeting_id}"))).json())
    except ProviderError as exc:
        if _gone(exc):
            raise MeetingGone(str(exc)) from None
        raise


MEETING_PAGES = TokenPages(items="meetings", next_token="next_page_token", token_param="next_page_token")


def find(provider, client: httpx.Client, marker: str) -> Meeting | None:
    """The user's meeting whose agenda carries `marker`, read in full, or None."""
    line = marker_line(marker)
    for listed in each_item(provider, client, provider.url("api", "/v2/users/me/meetings"), MEETING_PAGES,
                            params={"type": "scheduled", "page_size": PAGE_SIZE}):
        if (listed.get("agenda") or "").startswith(line):
            try:
                return get(provider, client, str(listed["id"]))
            except MeetingGone:
                return None
    return None


def update(provider, client: httpx.Client, meeting_id: str, changes: dict) -> None:
    try:
        raise_for_status(provider, client.patch(provider.url("api", f"/v2/meetings/{meeting_id}"), json=changes))
    except ProviderError as exc:
        if _gone(exc):
            raise MeetingGone(str(exc)) from None
        raise


def delete(provider, client: httpx.Client, meeting_id: str) -> None:
    """Delete; a meeting that is already gone counts as deleted."""
    try:
        raise_for_status(provider, client.delete(provider.url("api", f"/v2/meetings/{meeting_id}")))
    except ProviderError as exc:
        if not _gone(exc):
            raise
