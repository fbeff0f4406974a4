"""The Google Calendar tab over HTTP (issue 19): before connecting it says what connecting does and
asks for; Sync Now queues one read of the calendar and shows its result once a worker has run it (the
section refreshing itself meanwhile); the business's choices show their defaults, are saved (and
followed by the next write to Google), and a bad value is refused naming its field, with nothing saved."""

import pytest

from hubwire.core import clock
from hubwire.core.models import AuditEntry
from hubwire.integrations.google_calendar import ledger, pull, watch
from hubwire.integrations.google_calendar.api import calendar_api
from hubwire.integrations.google_calendar.config import active_connection, config_save
from hubwire.integrations.models import ConnectionStatus
from hubwire.jobs.models import JobStatus
from hubwire.sandbox.google_calendar.models import Event
from hubwire.sync.ledger import record_save
from hubwire.sync.models import SyncPass, SyncRun, SyncStatus
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.google_calendar.conftest import book, connect_calendar
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB

TAB = "/integrations/google_calendar/"
SYNC_NOW = "/integrations/google_calendar/sync-now/"
SECTION = "/integrations/google_calendar/sync/"
CHOICES = "/integrations/google_calendar/choices/"
HTMX = {"HX-Request": "true"}


def reads_queued(workspace) -> list[SyncPass]:
    return list(SyncPass.objects.filter(workspace=workspace, provider="google_calendar", name=pull.NAME,
                                        status=JobStatus.PENDING))


def last_run_id(html: str) -> str:
    marker = 'data-testid="gcal-last-read" data-run="'
    return html.split(marker, 1)[1].split('"', 1)[0]


def list_calls(sandbox) -> list:
    return [c for c in sandbox.calls("www.googleapis.com") if c.method == "GET" and c.path.endswith("/events")]


def flashes(response) -> list[str]:
    return [m.message for m in response.context["messages"]]


# --- before connecting ----------------------------------------------------------------------------

def test_before_connecting_the_tab_says_what_connecting_does_and_asks_only_for_calendar_events(owner_client,
                                                                                              workspace):
    html = owner_client.get(TAB).content.decode()
    words = " ".join(html.split())
    assert 'data-testid="gcal-not-connected"' in html
    assert "sign in with your Google account: only Calendar event access is requested" in words
    assert "choose “Google Meet” as an appointment's location when booking and its event gets a Meet link" in words
    assert 'data-testid="connect"' in html  # the framework's Connect button, below
    for absent in ('data-testid="gcal-sync-now"', 'data-testid="gcal-choices-form"'):
        assert absent not in html, absent


def test_sync_now_before_connecting_is_refused_in_words_and_queues_nothing(owner_client, workspace):
    response = owner_client.post(SYNC_NOW)
    assert response.status_code == 302 and response["Location"] == TAB
    assert flashes(owner_client.get(TAB))[-1] == "Google Calendar is not connected: connect it first."
    assert reads_queued(workspace) == []
    assert owner_client.get(SECTION).status_code == 404  # no section to show


# --- Sync Now -------------------------------------------------------------------------------------

def test_sync_now_queues_one_read_and_its_result_shows_once_a_worker_ran_it(calendar, owner_client, workspace,
                                                                          sandbox):
    html = owner_client.get(TAB).content.decode()
    first = SyncRun.objects.get(workspace=workspace, what="events")  # connecting read the calendar once
    assert last_run_id(html) == str(first.pk) and 'data-testid="gcal-sync-now"' in html
    assert "Google Calendar sync runs continuously" in html and "Click Sync Now to force an immediate update" in html
    lists_before = len(list_calls(sandbox))

    response = owner_client.post(SYNC_NOW, headers=HTMX)
    section = response.content.decode()
    assert response.status_code == 200 and "<html" not in section
    assert 'data-reading="1"' in section and "Reading Google Calendar's changes…" in section
    assert 'hx-get="/integrations/google_calendar/sync/?until=read" hx-trigger="every 2s"' in section
    assert 'data-testid="gcal-sync-now" disabled' in section
    owner_client.post(SYNC_NOW, headers=HTMX)  # pressed twice: still one read waiting
    [queued] = reads_queued(workspace)
    assert queued.trigger == "button"

    polled = owner_client.get(SECTION + "?until=read", headers=HTMX)
    assert 'data-reading="1"' in polled.content.decode() and "HX-Retarget" not in polled  # not done yet

    run_jobs()
    assert len(list_calls(sandbox)) == lists_before + 1  # nothing changed: one events.list with the sync token
    done = owner_client.get(SECTION + "?until=read", headers=HTMX)
    assert done["HX-Retarget"] == "#integrations" and done["HX-Reswap"] == "innerHTML"
    region = done.content.decode()
    latest = SyncRun.objects.filter(workspace=workspace, what="events").latest("started_at")
    assert latest.pk != first.pk and latest.trigger == "button"
    assert last_run_id(region) == str(latest.pk) and 'data-reading="0"' in region
    assert "started by someone pressing a button" in " ".join(region.split())
    assert 'data-testid="gcal-last-read-outcome">Finished</span>' in region
    assert 'data-testid="gcal-last-read-counts">nothing needed changing</span>' in region
    assert 'data-testid="sync-panel"' in region and 'data-testid="card-google_calendar"' in region  # the whole region


def test_sync_now_without_htmx_goes_back_to_the_tab_saying_so(calendar, owner_client, workspace):
    response = owner_client.post(SYNC_NOW)
    assert response.status_code == 302 and response["Location"] == TAB
    page = owner_client.get(TAB)
    assert flashes(page)[-1] == "Reading Google Calendar's changes now; the result shows under Sync."
    assert 'data-reading="1"' in page.content.decode() and len(reads_queued(workspace)) == 1


def test_a_revoked_grant_shows_on_the_tab_and_sync_now_says_to_reconnect(calendar, owner_client, workspace, sandbox):
    sandbox.control("revoke", server="google")
    sandbox.control("expire", server="google")
    owner_client.post(SYNC_NOW, headers=HTMX)
    run_jobs()
    assert calendar.refresh().status == ConnectionStatus.NEEDS_ATTENTION
    html = owner_client.get(TAB).content.decode()
    assert 'data-testid="gcal-sync-paused"' in html and 'data-testid="gcal-sync-now"' not in html
    assert 'data-testid="reconnect"' in html
    assert 'data-testid="gcal-last-read-outcome">Paused, will try again</span>' in html

    response = owner_client.post(SYNC_NOW, headers=HTMX)
    assert response.status_code == 200
    assert "Google Calendar needs reconnecting before it can sync" in response.content.decode()
    assert reads_queued(workspace) == []


def test_reconnecting_sends_what_waited_while_the_grant_was_revoked(calendar, owner_client, workspace, sandbox):
    sandbox.control("revoke", server="google")
    sandbox.control("expire", server="google")
    owner_client.post(SYNC_NOW)
    run_jobs()
    assert calendar.refresh().status == ConnectionStatus.NEEDS_ATTENTION
    appointment = book(workspace, title="Booked while red")
    run_jobs()
    assert ledger.row_for_appointment(appointment).status == SyncStatus.PENDING
    connect_calendar(owner_client, workspace)  # Reconnect
    run_jobs()
    assert [e["summary"] for e in calendar.events()] == ["Booked while red"]
    assert ledger.row_for_appointment(appointment).status == SyncStatus.SYNCED


def test_what_waits_or_failed_is_counted_in_words(calendar, owner_client, workspace, sandbox):
    sent, refused = book(workspace, title="Sent"), book(workspace, title="Refused")
    run_jobs()
    html = owner_client.get(TAB).content.decode()
    assert "Every appointment is in step with Google Calendar." in html
    record_save(ledger.row_for_appointment(refused), status=SyncStatus.FAILED,
                reason="Google Calendar refused it: Only the organizer of this Google Calendar event can change it.")
    sandbox.control("fault", host="www.googleapis.com", method="POST", status=503)  # Google down for one insert
    book(workspace, title="New one")
    run_jobs()  # the push waits to try again
    html = " ".join(owner_client.get(TAB).content.decode().split())
    assert ("1 appointment waiting to be sent; 1 appointment refused by Google Calendar (each with its reason and "
            "Retry under Sync below).") in html
    assert ledger.row_for_appointment(sent).status == SyncStatus.SYNCED


# --- the business's choices -------------------------------------------------------------------------

def test_the_choices_show_their_defaults_and_say_which_is_the_default(calendar, owner_client):
    html = owner_client.get(TAB).content.decode()
    assert 'data-testid="gcal-choices-form"' in html
    checkbox = html.split('id="gcal-send-invitations"', 1)[1].split(">", 1)[0]
    assert "checked" not in checkbox  # invitations are off by default
    assert '<option value="all" selected>Every event on the calendar</option>' in html
    assert "The default is “Every event on the calendar”" in html


def test_saving_the_choices_stores_them_and_the_next_write_follows_them(calendar, owner_client, workspace, owner):
    channel_before = (calendar.config.channel_id, calendar.config.channel_expires_at)
    response = owner_client.post(CHOICES, {"send_invitations": "1", "import_events": "contacts"})
    assert response.status_code == 302 and response["Location"] == TAB
    config = calendar.config
    assert (config.send_invitations, config.import_events) == (True, "contacts")
    assert (config.channel_id, config.channel_expires_at) == channel_before  # the watch channel is untouched
    html = owner_client.get(TAB).content.decode()
    assert '<option value="contacts" selected>' in html
    assert "checked" in html.split('id="gcal-send-invitations"', 1)[1].split(">", 1)[0]
    entry = AuditEntry.objects.get(action="google_calendar_choices_saved")
    assert entry.actor == owner and entry.detail == (
        "send invitations: on, events made in google calendar: Only events that invite one of your contacts")

    book(workspace)
    run_jobs()
    [event] = Event.objects.all()
    assert event.send_updates == "all"  # Google emails the contact

    owner_client.post(CHOICES, {"import_events": "contacts"})  # the box left unticked: off again
    assert calendar.config.send_invitations is False
    assert AuditEntry.objects.filter(action="google_calendar_choices_saved").count() == 2


def test_saving_the_same_choices_again_records_nothing(calendar, owner_client):
    owner_client.post(CHOICES, {"import_events": "all"})
    assert not AuditEntry.objects.filter(action="google_calendar_choices_saved").exists()


@pytest.mark.parametrize("posted, field, words", [
    ({"send_invitations": "yes", "import_events": "all"}, "send_invitations",
     "Send invitations: tick the box (1) or leave it empty."),
    ({"import_events": "everything"}, "import_events",
     "Events made in Google Calendar: choose one of “Every event on the calendar”; “Only events that invite one of "
     "your contacts”."),
    ({}, "import_events", "Events made in Google Calendar: choose one of"),
])
def test_a_bad_choice_is_refused_naming_the_field_and_nothing_is_saved(calendar, owner_client, posted, field, words):
    before = calendar.refresh().details
    response = owner_client.post(CHOICES, posted)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'data-testid="error-{field}"><li>{words}' in html
    assert calendar.refresh().details == before
    assert not AuditEntry.objects.filter(action="google_calendar_choices_saved").exists()


def test_both_bad_choices_are_named_in_one_round(calendar, owner_client):
    html = owner_client.post(CHOICES, {"send_invitations": "2", "import_events": ""}).content.decode()
    assert 'data-testid="error-send_invitations"' in html and 'data-testid="error-import_events"' in html


def test_choices_before_connecting_are_refused_in_words(owner_client, workspace):
    response = owner_client.post(CHOICES, {"import_events": "all"})
    assert response.status_code == 422
    assert "Connect Google Calendar first: its choices are kept with its connection." in response.content.decode()


def test_a_member_may_press_sync_now_but_sees_the_choices_without_changing_them(calendar, member, workspace):
    client = logged_in(member)
    html = client.get(TAB).content.decode()
    assert 'data-testid="gcal-choices-form"' not in html and 'data-testid="gcal-choices-read-only"' in html
    assert "Off: Google emails the contact nothing" in html
    assert client.post(CHOICES, {"send_invitations": "1", "import_events": "contacts"}).status_code == 403
    assert calendar.config.send_invitations is False
    assert client.post(SYNC_NOW).status_code == 302 and len(reads_queued(workspace)) == 1


def test_what_the_tab_promises_holds_google_granted_only_calendar_events(calendar):
    assert calendar.refresh().scopes.split() == ["https://www.googleapis.com/auth/calendar.events"]


def test_choices_saved_while_a_worker_renews_the_watch_channel_are_kept(calendar, owner_client, workspace):
    config = calendar.config
    config.channel_expires_at = clock.now().isoformat()  # due for renewal
    config_save(calendar.connection, config)
    worker_copy = active_connection(workspace)  # the safety pass has loaded the connection…
    owner_client.post(CHOICES, {"send_invitations": "1", "import_events": "contacts"})  # …the owner saves…
    with calendar_api(worker_copy) as cal:
        watch.ensure(worker_copy, cal)  # …and the pass renews the channel
    saved = calendar.config
    assert saved.channel_id == worker_copy.details["google_calendar"]["channel_id"]  # renewed
    assert (saved.send_invitations, saved.import_events) == (True, "contacts")
