"""A provider defined entirely in this folder connects, shows its own page and its panel on a
contact, and talks to its own emulator over real HTTP (the sandbox in the live server); once its
tests are done nothing of it remains, and no file under src/ names it."""

from pathlib import Path

import httpx
import pytest
from django.urls import NoReverseMatch, reverse

from hubwire.crm.services import people
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection, ConnectionStatus, InboundEvent
from hubwire.integrations.registry import PROVIDERS
from hubwire.sync.models import RunOutcome, Schedule, SyncCursor, SyncRun
from hubwire.sync.schedules import schedules_run_due
from tests.integrations.meetings import run_jobs
from tests.conftest import SANDBOX_DB
from tests.integrations.example_provider import emulator
from tests.integrations.example_provider.installed import example_provider_installed

pytestmark = SANDBOX_DB
CREDENTIALS = "/integrations/example/credentials/"


@pytest.fixture
def example(settings):
    with example_provider_installed(settings):
        yield


@pytest.fixture
def contact(workspace):
    return people.contact_create(workspace=workspace, actor="test", first_name="Maya", email="maya@acme.test")


def test_it_connects_with_a_pasted_key_and_shows_its_page_and_contact_panel(example, sandbox, owner_client,
                                                                            workspace, contact):
    issued = sandbox.control("example-issue-key")  # made in the vendor's dashboard
    assert "Example CRM" in owner_client.get("/integrations/example/").content.decode()

    response = owner_client.post(CREDENTIALS, {"mode": "", **issued})

    assert response.status_code == 302
    connection = Connection.objects.get(workspace=workspace, provider="example")
    assert (connection.status, connection.account_name) == (ConnectionStatus.ACTIVE, "Example Studio")
    assert [c.status for c in sandbox.calls(emulator.HOST, "/v1/account")] == [200]
    assert reverse("integrations:example_status") == "/integrations/example/status/"
    page = owner_client.get("/integrations/example/status/").content.decode()
    assert "Connected to Example Studio" in page
    record = owner_client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="example-panel"' in record and "Maya syncs to Example Studio." in record


@pytest.fixture
def connected(example, sandbox, owner_client, workspace):
    issued = sandbox.control("example-issue-key")
    assert owner_client.post(CREDENTIALS, {"mode": "", **issued}).status_code == 302
    return Connection.objects.get(workspace=workspace, provider="example"), issued


def test_events_on_the_connections_own_url_are_verified_with_the_secret_the_workspace_pasted(connected, sandbox):
    connection, issued = connected
    url = connection_inbound_url(connection=connection)
    sent = sandbox.control("example-send-event", url=url, secret=issued["webhook_secret"], event_id="evt_1",
                           email="maya@acme.test")
    assert sent == {"status": 200, "answer": {"received": True}}
    again = sandbox.control("example-send-event", url=url, secret=issued["webhook_secret"], event_id="evt_1",
                            email="maya@acme.test")
    assert again["answer"] == {"received": True, "duplicate": True}
    forged = sandbox.control("example-send-event", url=url, secret="whsec_" + "0" * 32, event_id="evt_2",
                             email="eve@evil.test")
    assert forged["status"] == 401
    installation_url = url.rsplit("/events/", 1)[0] + "/events/"  # not a connection's own URL
    assert sandbox.control("example-send-event", url=installation_url, secret=issued["webhook_secret"],
                           event_id="evt_3", email="maya@acme.test")["status"] == 404

    [event] = InboundEvent.objects.all()
    assert (event.provider, event.event_id, event.connection_id) == ("example", "evt_1", connection.pk)
    run_jobs()
    event.refresh_from_db()
    assert event.outcome == "contact.updated: maya@acme.test"


def test_its_schedule_pulls_only_what_changed_since_the_last_clean_pass(connected, sandbox, owner_client, workspace):
    [schedule] = Schedule.objects.filter(workspace=workspace, provider="example")
    assert schedule.name == "example.pull" and schedule.next_run_at is not None
    sandbox.control("example-change-contact", email="maya@acme.test")
    sandbox.control("example-change-contact", email="li@acme.test")

    schedules_run_due(now=schedule.next_run_at)  # the tick, when the slot comes
    run_jobs(force=True)
    [first] = SyncRun.objects.filter(workspace=workspace, provider="example")
    assert (first.trigger, first.updated, first.outcome) == ("schedule", 2, RunOutcome.SUCCEEDED)
    assert SyncCursor.objects.get(workspace=workspace, provider="example", resource="contacts").position == "2"

    sandbox.control("example-change-contact", email="sam@acme.test")
    schedule.refresh_from_db()
    schedules_run_due(now=schedule.next_run_at)  # the tick, when the slot comes
    run_jobs(force=True)
    second = SyncRun.objects.filter(workspace=workspace, provider="example").latest("started_at")
    assert second.updated == 1
    assert "Pull changed contacts from Example CRM" in owner_client.get("/integrations/example/").content.decode()


def test_a_key_the_vendor_revoked_is_refused_naming_the_field(example, sandbox, owner_client):
    issued = sandbox.control("example-issue-key")
    assert sandbox.control("example-revoke-keys") == {"revoked": 1}

    response = owner_client.post(CREDENTIALS, {"mode": "", **issued})

    assert response.status_code == 422
    assert "Invalid API key" in response.context["credential_errors"]["api_key"]
    assert not Connection.objects.exists()


def test_the_sandbox_reset_runs_the_emulators_reset_hook(example, sandbox, owner_client):
    issued = sandbox.control("example-issue-key")
    sandbox.control("reset")

    response = owner_client.post(CREDENTIALS, {"mode": "", **issued})

    assert response.status_code == 422
    assert [c.status for c in sandbox.calls(emulator.HOST, "/v1/account")] == [401]


def test_a_badly_shaped_key_is_named_and_the_vendor_is_not_asked(example, sandbox, owner_client):
    response = owner_client.post(CREDENTIALS, {"mode": "", "api_key": "sk_live_123"})

    assert response.status_code == 422
    assert "starts with exk_" in response.context["credential_errors"]["api_key"]
    assert not sandbox.calls(emulator.HOST)


def test_once_its_tests_are_done_nothing_of_it_remains(settings, sandbox, owner_client, contact):
    with example_provider_installed(settings):
        assert "example" in PROVIDERS
        assert 'data-testid="example-panel"' in owner_client.get(f"/contacts/{contact.pk}/").content.decode()

    assert "example" not in PROVIDERS
    with pytest.raises(NoReverseMatch):
        reverse("integrations:example_status")
    assert owner_client.get("/integrations/example/status/").status_code == 404
    assert owner_client.get("/integrations/example/").status_code == 404
    assert 'data-testid="example-panel"' not in owner_client.get(f"/contacts/{contact.pk}/").content.decode()
    assert httpx.post(f"{sandbox.base_url}/sandbox/_control/example-issue-key/", json={}).status_code == 404
    assert httpx.get(f"{sandbox.base_url}/sandbox/{emulator.HOST}/v1/account").status_code == 404


def test_no_file_of_hubwire_names_it():
    source = Path(__file__).resolve().parents[3] / "src"
    names = ("example_provider", "ExampleProvider", emulator.HOST, "example-issue-key")
    naming = [str(p) for p in source.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".txt", ".toml", ".cfg")
              and any(name in p.read_text(errors="ignore") for name in names)]
    assert naming == []
