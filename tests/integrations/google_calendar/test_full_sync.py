"""Reading everything again without duplicates: Google's 410 on an expired sync token, and a create
whose answer was lost."""

from hubwire.crm.models import Appointment
from hubwire.integrations.google_calendar import ledger
from hubwire.sync.models import SyncCursor, SyncRun
from tests.conftest import SANDBOX_DB, wait_until
from tests.integrations.google_calendar.conftest import api_calls, book, quiet_google, read_calendar
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB
EVENTS_PATH = "/calendar/v3/calendars/primary/events"  # as the sandbox logs and matches it (no host)


def test_a_410_reads_everything_again_with_no_duplicates(calendar, workspace):
    for n in range(3):
        book(workspace, title=f"Review {n}")
    calendar.control("create-event", event={"summary": "Made in Google", "start": {"dateTime": "2026-12-14T09:00:00Z"},
                                            "end": {"dateTime": "2026-12-14T10:00:00Z"}})
    run_jobs()
    quiet_google()
    calendar.control("expire-sync-tokens")
    calendar.control("create-event", event={"summary": "Made while the token expired",
                                            "start": {"dateTime": "2026-12-15T09:00:00Z"},
                                            "end": {"dateTime": "2026-12-15T10:00:00Z"}})
    read_calendar(workspace)
    run = SyncRun.objects.filter(workspace=workspace, provider="google_calendar", what="events").exclude(
        started_over="").get()
    assert "410" in run.started_over
    cursor = SyncCursor.objects.get(workspace=workspace, provider="google_calendar")
    assert cursor.position and cursor.started_over_at is not None
    titles = sorted(Appointment.objects.filter(workspace=workspace).values_list("title", flat=True))
    assert titles == ["Made in Google", "Made while the token expired", "Review 0", "Review 1", "Review 2"]
    assert len(calendar.events()) == 5
    assert ledger.rows(workspace).count() == 5


def test_an_event_deleted_while_the_token_was_gone_cancels_its_appointment(calendar, workspace):
    appointment = book(workspace)
    run_jobs()
    quiet_google()
    [event] = calendar.events()
    calendar.control("expire-sync-tokens")
    calendar.control("delete-event", event_id=event["id"])
    read_calendar(workspace)
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def lose_the_insert_answer(calendar, settings) -> None:
    settings.HUBWIRE_HTTP_TIMEOUT = 1.0
    calendar.sandbox.control("fault", host="www.googleapis.com", path=EVENTS_PATH, method="POST", delay=2.5, count=1)


def only_one_insert(calendar) -> dict:
    [event] = calendar.events()
    # The delayed insert is logged once its late answer has gone out: wait for that, then count.
    inserts = lambda: [c for c in api_calls(calendar.sandbox, "POST") if c.path == EVENTS_PATH]  # noqa: E731
    wait_until(lambda: inserts(), message="the late insert to be logged")
    assert len(inserts()) == 1
    return event


def test_a_create_whose_answer_was_lost_is_looked_up_before_retrying(calendar, workspace, settings):
    quiet_google()  # no push to tell hubwire about the event: the retry must find it itself
    lose_the_insert_answer(calendar, settings)
    appointment = book(workspace)
    run_jobs()  # the insert times out after Google made the event: the pass waits to try again
    row = ledger.row_for_appointment(appointment)
    assert row.external_id == "" and row.create_started_at is not None
    settings.HUBWIRE_HTTP_TIMEOUT = 15.0
    run_jobs(force=True)
    event = only_one_insert(calendar)
    row.refresh_from_db()
    assert row.external_id == event["id"] and row.status == "synced" and row.create_started_at is None
    assert len(Appointment.objects.filter(workspace=workspace)) == 1


def test_a_create_whose_answer_was_lost_is_adopted_when_its_push_arrives_first(calendar, workspace, settings):
    lose_the_insert_answer(calendar, settings)
    appointment = book(workspace)
    run_jobs()  # Google's push about the new event comes while hubwire's insert is still unanswered
    settings.HUBWIRE_HTTP_TIMEOUT = 15.0
    run_jobs(force=True)
    event = only_one_insert(calendar)
    assert ledger.row_for_appointment(appointment).external_id == event["id"]
    assert len(Appointment.objects.filter(workspace=workspace)) == 1  # not imported as a second appointment
