"""Tenancy on every Google Calendar route, found in google_calendar/urls.py rather than listed, so that
a route added later is covered the day it is added: signed out, a sign-in first; a member, 403 on what
only owners and admins may do; another workspace's owner, a 404 for this workspace's appointments and
nothing of this workspace changed or read by anything they send."""

import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.google_calendar import urls as calendar_urls
from hubwire.integrations.models import Connection
from hubwire.sync.models import SyncPass, SyncRecord
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.provider_routes import routes as provider_routes
from tests.integrations.google_calendar.conftest import book
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB

# What fills each route parameter: an object of the connected workspace. A route whose parameter is
# not here fails test_every_route_parameter_is_known: add it, with what it names.
OBJECT_PARAMETERS = {"appointment_id": lambda things: things["appointment"].pk}
# Routes a member (not an owner or admin) may POST to, each with the reason.
MEMBER_MAY_POST = {
    "google_calendar_sync_now": "reading the calendar's changes is CRM work under choices an owner already made",
    "google_calendar_appointment_send": "sending an appointment is CRM work under choices an owner already made",
}
# Every field any Google Calendar form takes, with values that would change something if accepted.
POSTED = {"send_invitations": "1", "import_events": "contacts"}


@pytest.fixture
def things(calendar, workspace):
    appointment = book(workspace)
    run_jobs()
    return {"appointment": appointment, "calendar": calendar}


def routes(things) -> list[tuple[str, str, bool]]:
    return provider_routes(calendar_urls, OBJECT_PARAMETERS, things)


def snapshot(workspace) -> dict:
    """Everything of the workspace a Google Calendar route could change."""
    connection = Connection.objects.get(workspace=workspace, provider="google_calendar")
    return {
        "connection": (connection.status, connection.details, connection.credentials),
        "records": list(SyncRecord.objects.filter(workspace=workspace).values_list("id", "status", "reason")),
        "passes": SyncPass.objects.filter(workspace=workspace).count(),
        "audit": AuditEntry.objects.filter(workspace=workspace).count(),
    }


def test_every_route_parameter_is_known(things):
    for pattern in calendar_urls.urlpatterns:
        unknown = set(pattern.pattern.converters) - set(OBJECT_PARAMETERS)
        assert not unknown, f"{pattern.name}: add {unknown} to OBJECT_PARAMETERS"
    assert {"google_calendar_sync_now", "google_calendar_choices", "google_calendar_appointment"} <= {
        name for name, _, _ in routes(things)}


def test_signed_out_every_route_asks_to_sign_in_first(things, client, workspace):
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        sign_in = [m for m, r in answers.items() if r.status_code == 302 and r["Location"].startswith("/login/?next=")]
        assert sign_in, (name, {m: r.status_code for m, r in answers.items()})
        assert all(r.status_code == 405 for m, r in answers.items() if m not in sign_in), name  # the other method
    assert snapshot(workspace) == before


def test_a_member_gets_403_on_every_route_that_changes_a_choice(things, member, workspace):
    client = logged_in(member)
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        if name in MEMBER_MAY_POST:
            continue
        status = client.post(url, POSTED).status_code
        assert status in (403, 405), (name, status)  # 405: a page that only shows (GET)
    assert snapshot(workspace) == before


def test_another_workspace_gets_404_for_this_workspaces_objects_and_changes_nothing_here(things, outsider,
                                                                                         workspace):
    client = logged_in(outsider)
    before = snapshot(workspace)
    event_id = SyncRecord.objects.get(workspace=workspace).external_id
    for name, url, names_an_object in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        codes = {method: response.status_code for method, response in answers.items()}
        if names_an_object:
            assert set(codes.values()) <= {404, 405} and 404 in codes.values(), (name, codes)
        else:  # a route of "my workspace": it acts on the outsider's own, which has no Google Calendar
            assert set(codes.values()) <= {302, 404, 405, 422}, (name, codes)
        for response in answers.values():
            assert event_id.encode() not in response.content, name  # nothing of this workspace shows
    assert snapshot(workspace) == before
