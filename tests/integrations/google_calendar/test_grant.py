"""A revoked or expired grant turns the card red within one sync cycle, and the appointments waiting
for Google Calendar say so; never a silent stop (issue 19, item 1)."""

from hubwire.crm.services.scheduling import appointment_update
from hubwire.integrations.google_calendar import ledger
from hubwire.integrations.google_calendar import schedule as calendar_schedule
from hubwire.integrations.models import ConnectionStatus
from hubwire.sync.models import Schedule, SyncStatus
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import book
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB


def test_only_calendar_event_access_is_asked_for(calendar):
    assert calendar.refresh().scopes.split() == ["https://www.googleapis.com/auth/calendar.events"]


def test_a_revoked_grant_turns_the_card_red_within_one_safety_pass(calendar, workspace, owner_client):
    calendar.sandbox.control("revoke", server="google")
    calendar.sandbox.control("expire", server="google", kind="access")
    safety = Schedule.objects.get(workspace=workspace, provider="google_calendar", name=calendar_schedule.SAFETY)
    outcome = calendar_schedule.safety(safety)
    run_jobs()
    connection = calendar.refresh()
    assert connection.status == ConnectionStatus.NEEDS_ATTENTION, outcome
    assert "Reconnect Google Calendar" in connection.status_reason
    page = owner_client.get("/integrations/google_calendar/").content.decode()
    assert "Needs attention" in page

    appointment = book(workspace)
    run_jobs()
    row = ledger.row_for_appointment(appointment)
    assert row.status == SyncStatus.PENDING and row.reason.startswith("Waiting for Google Calendar:")


def test_reconnecting_sends_what_waited(calendar, workspace, owner_client):
    appointment = book(workspace)
    run_jobs()
    calendar.sandbox.control("revoke", server="google")
    calendar.sandbox.control("expire", server="google", kind="access")
    appointment_update(appointment=appointment, actor="owner", title="Changed while revoked")
    run_jobs(force=True)
    assert calendar.refresh().status == ConnectionStatus.NEEDS_ATTENTION
    from tests.integrations.google_calendar.conftest import connect_calendar

    connect_calendar(owner_client, workspace)
    run_jobs(force=True)
    [event] = calendar.events()
    assert event["summary"] == "Changed while revoked"
    assert ledger.row_for_appointment(appointment).status == SyncStatus.SYNCED
