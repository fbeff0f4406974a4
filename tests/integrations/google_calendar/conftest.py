"""A workspace connected to the sandbox Google Calendar over real HTTP, as its owner does it: press
Connect, consent on the sandbox's Google page; then the connect pass runs (watch, first read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from hubwire.crm.services.scheduling import appointment_book
from hubwire.integrations.google_calendar.config import config_of
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.sandbox.google_calendar.control import calendar_for
from hubwire.sandbox.google_calendar.models import Event
from tests.integrations import oauth_flow
from tests.integrations.meetings import run_jobs

EMAIL = "owner@gmail.example"


@dataclass
class ConnectedCalendar:
    connection: Connection
    sandbox: object
    email: str = EMAIL

    def refresh(self) -> Connection:
        self.connection.refresh_from_db()
        return self.connection

    @property
    def config(self):
        return config_of(self.refresh())

    def control(self, action: str, **data) -> dict:
        """A sandbox Google Calendar test hook for this calendar (email filled in)."""
        return self.sandbox.control(f"google_calendar-{action}", email=self.email, **data)

    def events(self, *, with_cancelled: bool = False) -> list[dict]:
        """The calendar's stored events as Google holds them (series as one event)."""
        found = [e.body for e in Event.objects.filter(calendar=calendar_for(self.email)).order_by("pk")]
        return found if with_cancelled else [e for e in found if e.get("status") != "cancelled"]

    def event(self, event_id: str) -> dict:
        return Event.objects.get(calendar=calendar_for(self.email), event_id=event_id).body


def connect_calendar(client, workspace, *, email: str = EMAIL) -> Connection:
    connection = oauth_flow.connect(client, workspace, "google_calendar", email=email)
    assert connection.status == ConnectionStatus.ACTIVE, connection.status_reason
    return connection


@pytest.fixture
def calendar(sandbox, owner_client, workspace) -> ConnectedCalendar:
    connected = ConnectedCalendar(connect_calendar(owner_client, workspace), sandbox)
    run_jobs()
    return connected


def book(workspace, *, title="Brand review with ACME", start=None, minutes=45, time_zone="America/New_York",
         location_type="in_person", **extra):
    start = start or datetime(2026, 12, 10, 10, 0)
    return appointment_book(workspace=workspace, actor="owner@example.test", title=title, start=start,
                            end=start + timedelta(minutes=minutes), time_zone=time_zone,
                            location_type=location_type, **extra)


def quiet_google() -> None:
    """Google stops pushing (every sandbox watch channel stopped), so that a test chooses when hubwire
    reads the calendar: an edit in Google then waits unseen, as one made between two reads does."""
    from hubwire.sandbox.google_calendar.models import Channel

    Channel.objects.update(stopped=True)


def read_calendar(workspace) -> None:
    """Sync Now, as the tab's button does, and run it."""
    from hubwire.integrations.google_calendar import pull
    from hubwire.sync.models import Trigger

    pull.queue(workspace, trigger=Trigger.BUTTON)
    run_jobs()


def api_calls(sandbox, method: str = "") -> list:
    return [c for c in sandbox.calls("www.googleapis.com") if not method or c.method == method]
