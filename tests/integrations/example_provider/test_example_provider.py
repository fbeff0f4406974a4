"""A provider defined entirely in this folder connects, shows its own page and its panel on a
contact, and talks to its own emulator over real HTTP (the sandbox in the live server); once its
tests are done nothing of it remains, and no file under src/ names it."""

from pathlib import Path

import httpx
import pytest
from django.urls import NoReverseMatch, reverse

from hubwire.crm.services import people
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
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
    api_key = sandbox.control("example-issue-key")["api_key"]  # made in the vendor's dashboard
    assert "Example CRM" in owner_client.get("/integrations/example/").content.decode()

    response = owner_client.post(CREDENTIALS, {"mode": "", "api_key": api_key})

    assert response.status_code == 302
    connection = Connection.objects.get(workspace=workspace, provider="example")
    assert (connection.status, connection.account_name) == (ConnectionStatus.ACTIVE, "Example Studio")
    assert [c.status for c in sandbox.calls(emulator.HOST, "/v1/account")] == [200]
    assert reverse("integrations:example_status") == "/integrations/example/status/"
    page = owner_client.get("/integrations/example/status/").content.decode()
    assert "Connected to Example Studio" in page
    record = owner_client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="example-panel"' in record and "Maya syncs to Example Studio." in record


def test_a_key_the_vendor_revoked_is_refused_naming_the_field(example, sandbox, owner_client):
    api_key = sandbox.control("example-issue-key")["api_key"]
    assert sandbox.control("example-revoke-keys") == {"revoked": 1}

    response = owner_client.post(CREDENTIALS, {"mode": "", "api_key": api_key})

    assert response.status_code == 422
    assert "Invalid API key" in response.context["credential_errors"]["api_key"]
    assert not Connection.objects.exists()


def test_the_sandbox_reset_runs_the_emulators_reset_hook(example, sandbox, owner_client):
    api_key = sandbox.control("example-issue-key")["api_key"]
    sandbox.control("reset")

    response = owner_client.post(CREDENTIALS, {"mode": "", "api_key": api_key})

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
