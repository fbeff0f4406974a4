"""The Google Calendar card on an appointment's page, over HTTP against the sandbox: left off until the
workspace connects Google Calendar; then it says where the appointment stands with its event: waiting
(refreshing itself), in Google Calendar (with the event), from Google Calendar, cancelled there, or
refused with Google's reason and Retry; the sync panel names a refused one and retries it too."""

from datetime import datetime
from html import unescape

from hubwire.crm.models import Appointment, AppointmentStatus
from hubwire.crm.services.scheduling import appointment_cancel
from hubwire.integrations.google_calendar import ledger
from hubwire.integrations.google_calendar.appointment_card import CANCELLED_IN_HUBWIRE
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.sync.ledger import record_save
from hubwire.sync.models import SyncStatus
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.google_calendar.conftest import ConnectedCalendar, book, connect_calendar
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB

REFUSED = "Google Calendar refused it: Only the organizer of this Google Calendar event can change it."


def page(client, appointment) -> str:
    return client.get(f"/appointments/{appointment.pk}/").content.decode()


def card(client, appointment, **headers) -> str:
    response = client.get(f"/integrations/google_calendar/appointments/{appointment.pk}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def card_tag(html: str) -> str:
    """The card's opening tag (where its self-refresh is declared)."""
    start = html.index('<div class="card gcal-card"')
    return html[start:html.index(">", start)]


def state(html: str) -> str:
    return html.split('data-testid="gcal-state">', 1)[1].split("<", 1)[0]


def reason(html: str) -> str:
    return unescape(html.split('data-testid="gcal-reason">', 1)[1].split("<", 1)[0])


def refuse(appointment) -> None:
    """Google refused the appointment's last write (a refusal no retry can help, as push.py records it)."""
    record_save(ledger.row_for_appointment(appointment), status=SyncStatus.FAILED, reason=REFUSED)


def test_without_google_calendar_the_appointment_page_has_no_calendar_card(owner_client, workspace):
    appointment = book(workspace)
    run_jobs()
    assert 'data-testid="gcal-card"' not in page(owner_client, appointment)
    assert owner_client.get(f"/integrations/google_calendar/appointments/{appointment.pk}/").status_code == 404


def test_just_booked_it_says_waiting_and_refreshes_until_the_worker_has_sent_it(calendar, owner_client, workspace):
    appointment = book(workspace)  # its handler has not run: no ledger row yet
    assert ledger.row_for_appointment(appointment) is None
    html = page(owner_client, appointment)
    assert state(html) == "Waiting" and reason(html) == "Waiting to be sent to Google Calendar…"
    assert 'hx-trigger="every 2s"' in card_tag(html)
    run_jobs()
    assert state(card(owner_client, appointment)) == "In Google Calendar"


def test_waiting_then_in_google_calendar_with_its_event(calendar, owner_client, workspace, sandbox):
    sandbox.control("fault", host="www.googleapis.com", method="POST", status=503)  # the first insert fails
    appointment = book(workspace)
    run_jobs()
    html = page(owner_client, appointment)
    assert state(html) == "Waiting" and reason(html) == "Waiting to be sent to Google Calendar…"
    refresh = f'hx-get="/integrations/google_calendar/appointments/{appointment.pk}/" hx-trigger="every 2s"'
    assert refresh in card_tag(html)

    run_jobs(force=True)  # the push's next attempt
    html = card(owner_client, appointment, headers={"HX-Request": "true"})
    [event] = calendar.events()
    assert state(html) == "In Google Calendar" and "hx-trigger" not in card_tag(html)  # done: no more refreshing
    assert f'data-testid="gcal-event"><code>{event["id"]}</code>' in html  # hubwire keeps no htmlLink yet
    assert 'data-testid="gcal-send"' not in html


def test_an_event_made_in_google_shows_as_from_google_calendar(calendar, owner_client, workspace):
    calendar.control("create-event", event={"summary": "Coffee with Pat", "start": {"dateTime": "2026-12-12T09:00:00Z"},
                                            "end": {"dateTime": "2026-12-12T09:30:00Z"}})
    run_jobs()
    appointment = Appointment.objects.get(workspace=workspace, title="Coffee with Pat")
    html = page(owner_client, appointment)
    assert state(html) == "From Google Calendar"
    assert reason(html) == "Made from an event on the Google Calendar; changes on either side reach the other."


def test_deleted_in_google_says_cancelled_in_google_calendar_with_why(calendar, owner_client, workspace):
    appointment = book(workspace)
    run_jobs()
    [event] = calendar.events()
    calendar.control("delete-event", event_id=event["id"])
    run_jobs()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    html = page(owner_client, appointment)
    assert state(html) == "Cancelled in Google Calendar"
    assert reason(html) == "Deleted in Google Calendar, so the appointment was cancelled."
    assert 'data-testid="gcal-event"' not in html


def test_cancelled_in_hubwire_says_its_event_was_deleted(calendar, owner_client, workspace):
    appointment = book(workspace)
    run_jobs()
    appointment_cancel(appointment=appointment, actor="owner")
    run_jobs()
    html = page(owner_client, appointment)
    assert state(html) == "Cancelled in Google Calendar" and reason(html) == CANCELLED_IN_HUBWIRE


def test_refused_shows_googles_reason_and_retry_sends_it_again(calendar, owner_client, workspace):
    appointment = book(workspace, title="First title")
    run_jobs()
    refuse(appointment)
    html = page(owner_client, appointment)
    assert state(html) == "Failed" and reason(html) == REFUSED
    assert 'data-testid="gcal-send">Retry</button>' in html

    response = owner_client.post(f"/integrations/google_calendar/appointments/{appointment.pk}/send/",
                                 headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'data-testid="gcal-notice">Sending it to Google Calendar now.' in html and state(html) == "Waiting"
    run_jobs()
    assert state(card(owner_client, appointment)) == "In Google Calendar"


def test_retry_while_google_calendar_needs_reconnecting_says_so_and_sends_nothing(calendar, owner_client, workspace):
    appointment = book(workspace)
    run_jobs()
    refuse(appointment)
    Connection.objects.filter(pk=calendar.connection.pk).update(
        status=ConnectionStatus.NEEDS_ATTENTION, status_reason="Google no longer accepts hubwire's authorization.")
    response = owner_client.post(f"/integrations/google_calendar/appointments/{appointment.pk}/send/")
    assert response.status_code == 302 and response["Location"] == f"/appointments/{appointment.pk}/"
    messages = [m.message for m in owner_client.get(response["Location"]).context["messages"]]
    assert messages[-1] == "Google Calendar needs reconnecting first: Google no longer accepts hubwire's authorization."
    assert ledger.row_for_appointment(appointment).status == SyncStatus.FAILED


def test_booked_before_connecting_and_outside_the_window_can_be_sent_from_the_card(sandbox, owner_client, workspace):
    far = book(workspace, title="Next year's review", start=datetime(2028, 6, 1, 10, 0))
    run_jobs()
    calendar = ConnectedCalendar(connect_calendar(owner_client, workspace), sandbox)
    run_jobs()
    assert calendar.events() == []  # beyond the days sent on connecting
    html = page(owner_client, far)
    assert state(html) == "Not in Google Calendar"
    assert "any change to this one sends it" in reason(html)
    assert 'data-testid="gcal-send">Send to Google Calendar</button>' in html
    owner_client.post(f"/integrations/google_calendar/appointments/{far.pk}/send/")
    run_jobs()
    assert [e["summary"] for e in calendar.events()] == ["Next year's review"]
    assert state(page(owner_client, far)) == "In Google Calendar"


def test_the_sync_panel_names_a_refused_appointment_and_retries_it(calendar, owner_client, workspace):
    appointment = book(workspace, title="Brand review")
    run_jobs()
    refuse(appointment)
    html = owner_client.get("/integrations/google_calendar/").content.decode()
    assert f'<a href="/appointments/{appointment.pk}/">Appointment “Brand review”</a>' in html
    assert 'data-testid="sync-retry"' in html
    row = ledger.row_for_appointment(appointment)
    owner_client.post(f"/integrations/sync/{row.pk}/retry/")
    run_jobs()
    assert ledger.row_for_appointment(appointment).status == SyncStatus.SYNCED


def test_a_member_sees_the_card_and_may_retry(calendar, member, workspace):
    appointment = book(workspace)
    run_jobs()
    refuse(appointment)
    client = logged_in(member)
    assert state(page(client, appointment)) == "Failed"
    assert client.post(f"/integrations/google_calendar/appointments/{appointment.pk}/send/").status_code == 302
    run_jobs()
    assert ledger.row_for_appointment(appointment).status == SyncStatus.SYNCED



def test_while_the_grant_is_revoked_a_new_appointment_says_it_waits_for_a_reconnect(calendar, owner_client,
                                                                                     workspace, sandbox):
    sandbox.control("revoke", server="google")
    sandbox.control("expire", server="google")
    owner_client.post("/integrations/google_calendar/sync-now/")
    run_jobs()  # the read finds the grant gone: the connection turns red
    assert calendar.refresh().status == ConnectionStatus.NEEDS_ATTENTION
    appointment = book(workspace, title="Booked while red")
    run_jobs()
    html = page(owner_client, appointment)
    assert state(html) == "Waiting" and reason(html).startswith(
        "Waiting for Google Calendar: Google Calendar no longer accepts hubwire's authorization")
    assert "hx-trigger" not in card_tag(html)  # nothing moves until a reconnect: no point refreshing
