"""The business's choices (invitations, which Google events become appointments) and Google's
per-user limits (403/429 rateLimitExceeded) as the sync meets them."""

from hubwire.crm.models import Appointment
from hubwire.crm.services.people import contact_create
from hubwire.integrations.google_calendar.config import config_of, config_save
from hubwire.jobs.models import JobStatus
from hubwire.sandbox.google_calendar.models import Event
from hubwire.sync.models import SyncPass, SyncRun
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import book, read_calendar
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB


def choose(calendar, **choices) -> None:
    connection = calendar.refresh()
    config = config_of(connection)
    for name, value in choices.items():
        setattr(config, name, value)
    config_save(connection, config)


def with_contact(workspace):
    contact = contact_create(workspace=workspace, actor="owner", first_name="Pat", last_name="Lee",
                             email="Pat@Acme.example")
    return contact


def test_invitations_are_off_by_default_and_sent_when_chosen(calendar, workspace):
    contact = with_contact(workspace)
    book(workspace, title="Quiet", contact=contact)
    run_jobs()
    assert Event.objects.get(body__summary="Quiet").send_updates == "none"
    choose(calendar, send_invitations=True)
    book(workspace, title="Invited", contact=contact)
    run_jobs()
    invited = Event.objects.get(body__summary="Invited")
    assert invited.send_updates == "all"
    assert [a["email"] for a in invited.body["attendees"]] == ["pat@acme.example"]


def test_every_google_event_is_imported_by_default(calendar, workspace):
    assert calendar.config.import_events == "all"
    calendar.control("create-event", event={"summary": "Dentist", "start": {"dateTime": "2026-12-12T09:00:00Z"},
                                            "end": {"dateTime": "2026-12-12T09:30:00Z"}})
    run_jobs()
    assert Appointment.objects.filter(workspace=workspace, title="Dentist").exists()


def test_only_events_inviting_a_contact_when_so_chosen(calendar, workspace):
    contact = with_contact(workspace)
    choose(calendar, import_events="contacts")
    calendar.control("create-event", event={"summary": "Dentist", "start": {"dateTime": "2026-12-12T09:00:00Z"},
                                            "end": {"dateTime": "2026-12-12T09:30:00Z"}})
    calendar.control("create-event", event={"summary": "Call with Pat", "attendees": [{"email": "pat@acme.example"}],
                                            "start": {"dateTime": "2026-12-12T10:00:00Z"},
                                            "end": {"dateTime": "2026-12-12T10:30:00Z"}})
    run_jobs()
    titles = set(Appointment.objects.filter(workspace=workspace).values_list("title", flat=True))
    assert titles == {"Call with Pat"}
    assert Appointment.objects.get(title="Call with Pat").contact == contact


def test_googles_rate_limit_makes_the_read_wait_not_fail(calendar, workspace):
    calendar.control("create-event", event={"summary": "Later", "start": {"dateTime": "2026-12-12T09:00:00Z"},
                                            "end": {"dateTime": "2026-12-12T09:30:00Z"}})
    calendar.sandbox.control("fault", host="www.googleapis.com", path="/calendar/v3/calendars/primary/events",
                             method="GET", status=403, count=1)
    run_jobs()
    waiting = SyncPass.objects.get(workspace=workspace, name="google_calendar.pull", status=JobStatus.PENDING)
    assert waiting.attempts == 0  # a wait, not a failed attempt
    run = SyncRun.objects.filter(workspace=workspace, what="events").order_by("-started_at").first()
    assert run.outcome == "waiting" and "limiting how fast" in run.errors[0]["why"]
    run_jobs(force=True)
    assert Appointment.objects.filter(workspace=workspace, title="Later").exists()


def test_a_429_is_retried_by_the_client(calendar, workspace):
    calendar.sandbox.control("fault", host="www.googleapis.com", path="/calendar/v3/calendars/primary/events",
                             method="GET", status=429, count=1)
    calendar.control("create-event", event={"summary": "Soon", "start": {"dateTime": "2026-12-12T09:00:00Z"},
                                            "end": {"dateTime": "2026-12-12T09:30:00Z"}})
    read_calendar(workspace)
    assert Appointment.objects.filter(workspace=workspace, title="Soon").exists()
