"""The Integrations page: eight cards and tabs driven by the registry, each tab at its own URL,
htmx partials, health and expiry warnings, and tenancy."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from tests.conftest import logged_in

TABS = ["stripe", "portal", "quickbooks", "google_calendar", "zoom", "google_workspace", "twilio", "webhooks"]


def test_eight_cards_and_tabs_in_the_seed_order(owner_client, workspace):
    assert list(PROVIDERS) == TABS
    response = owner_client.get("/integrations/")
    assert response.status_code == 200
    assert [p.key for p, card in response.context["cards"]] == TABS
    html = response.content.decode()
    for key in TABS:
        assert f'data-testid="card-{key}"' in html and f'href="/integrations/{key}/"' in html


def test_each_tab_has_its_own_url_and_htmx_gets_only_the_tab(owner_client, workspace):
    full = owner_client.get("/integrations/zoom/")
    assert full.context["provider"].key == "zoom" and "<html" in full.content.decode()
    partial = owner_client.get("/integrations/zoom/", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body and 'data-provider="zoom"' in body
    assert owner_client.get("/integrations/nope/").status_code == 404


def test_card_colours_follow_the_connection(owner_client, workspace):
    def zoom_card():
        return dict((p.key, c) for p, c in owner_client.get("/integrations/").context["cards"])["zoom"]

    assert zoom_card().colour == "grey"
    connection = Connection.objects.create(workspace=workspace, provider="zoom", status=ConnectionStatus.ACTIVE,
                                           account_name="Dana <dana@zoom.example>", access_token="t")
    assert (zoom_card().colour, zoom_card().detail) == ("green", "Dana <dana@zoom.example>")
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.SETUP_INCOMPLETE,
                                                       status_reason="Finish at Zoom.")
    assert (zoom_card().colour, zoom_card().detail) == ("orange", "Finish at Zoom.")
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.NEEDS_ATTENTION, status_reason="Revoked.")
    assert zoom_card().colour == "red"


def test_health_shows_last_success_last_error_and_warns_before_expiry(owner_client, workspace):
    soon = timezone.now() + timedelta(days=3, hours=1)
    Connection.objects.create(workspace=workspace, provider="zoom", status=ConnectionStatus.ACTIVE, access_token="t",
                              refresh_token="r", refresh_token_expires_at=soon, last_success_at=timezone.now(),
                              last_error="Zoom answered 503: busy", last_error_at=timezone.now())
    page = owner_client.get("/integrations/zoom/").content.decode()
    assert "Zoom answered 503: busy" in page
    assert 'data-testid="expiry-warning"' in page and "expires in 3\xa0days" in page
    card = dict((p.key, c) for p, c in owner_client.get("/integrations/").context["cards"])["zoom"]
    assert "Reconnect before then" in card.warning
    dashboard = owner_client.get("/").content.decode()  # the warning follows the user around the app
    assert 'data-testid="integration-alert"' in dashboard and "expires in 3\xa0days" in dashboard


def test_no_warning_while_expiry_is_far(owner_client, workspace):
    Connection.objects.create(workspace=workspace, provider="zoom", status=ConnectionStatus.ACTIVE, access_token="t",
                              refresh_token_expires_at=timezone.now() + timedelta(days=60))
    assert 'data-testid="integration-alert"' not in owner_client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/integrations/", "/integrations/zoom/", "/integrations/audit/"])
def test_pages_need_a_signed_in_workspace_member(db, path):
    response = Client().get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_workspace_sees_only_its_own_connections_and_audit(workspace, other_workspace, outsider, owner_client):
    Connection.objects.create(workspace=other_workspace, provider="zoom", status=ConnectionStatus.ACTIVE,
                              account_name="Their Zoom <them@zoom.example>", access_token="t")
    from hubwire.core.audit import audit_record

    audit_record(workspace=other_workspace, action="connected", subject="zoom", actor=outsider)
    assert "Their Zoom" not in owner_client.get("/integrations/zoom/").content.decode()
    assert "outsider@example.test" not in owner_client.get("/integrations/audit/").content.decode()
    assert "Their Zoom" in logged_in(outsider).get("/integrations/zoom/").content.decode()


def test_an_outsider_cannot_disconnect_another_workspaces_connection(workspace, other_workspace, outsider):
    theirs = Connection.objects.create(workspace=workspace, provider="zoom", status=ConnectionStatus.ACTIVE,
                                       access_token="t")
    logged_in(outsider).post("/integrations/zoom/disconnect/", {"mode": ""})
    theirs.refresh_from_db()
    assert theirs.status == ConnectionStatus.ACTIVE and theirs.access_token == "t"


def test_a_forged_mode_is_refused(owner_client, workspace):
    owner_client.post("/integrations/zoom/connect/", {"mode": "live"})
    messages = [m.message for m in owner_client.get("/integrations/zoom/").context["messages"]]
    assert messages == ["Choose one of: no mode."]
