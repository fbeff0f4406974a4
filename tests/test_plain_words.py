"""What a business owner reads (issue 16, item 8): words instead of codes, "just now" instead of
"0 minutes ago", one name per integration, the workspace's time zone, the unread count in the nav,
a 404 page with a way back, and a favicon."""

import re
from pathlib import Path
from zoneinfo import available_timezones

import pytest
from django.utils import timezone

import hubwire
from hubwire.core.audit import audit_record
from hubwire.core import models as core_models
from hubwire.core.models import AuditEntry
from hubwire.crm.models import Appointment
from hubwire.crm.services.work import message_post
from hubwire.webhooks.models import Endpoint
from hubwire.webhooks.services import endpoint_create
from tests.conftest import logged_in
from tests.factories import crm_objects

pytestmark = pytest.mark.django_db


def test_the_audit_log_says_what_happened_in_words(owner_client, workspace):
    for code in ("portal_password_set", "stripe_payment_received", "stripe_payment_declined", "webhook_endpoint_secret_rotated"):
        audit_record(workspace=workspace, action=code, subject="stripe (test)")
    for page in ("/integrations/audit/", "/integrations/stripe/"):
        html = owner_client.get(page).content.decode()
        assert "Client&#x27;s portal password set" in html or "Client's portal password set" in html
        assert "Payment received through Stripe" in html and "Card declined" in html
        assert not re.search(r"\b(portal_password_set|stripe_payment_received|stripe_payment_declined)\b", html), page


def test_every_audit_action_hubwire_records_has_words():
    """The codes written as literals anywhere in the source (audit_record / audit_for_user calls)."""
    source = "\n".join(path.read_text() for path in Path(hubwire.__file__).parent.rglob("*.py"))
    calls = re.findall(r"(?:audit_record\(|audit_for_user\()(.{0,300}?)\)", source, re.S)
    codes = {code for call in calls for code in re.findall(r'"([a-z]+(?:_[a-z]+)+)"', call)}
    assert {"portal_password_set", "member_invited", "sign_in_failed"} <= codes  # the scan finds them
    assert codes - set(getattr(core_models, "AUDIT_ACTION_WORDS", {})) == set()


def test_a_moment_ago_reads_just_now(owner_client, workspace, settings):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = endpoint_create(workspace=workspace, url="https://hooks.example.com/in")
    Endpoint.objects.filter(pk=endpoint.pk).update(last_success_at=timezone.now())
    html = owner_client.get("/webhooks/").content.decode()
    assert "just now" in html and "0 minutes" not in html


def test_an_integrations_card_has_the_name_its_tab_has(owner_client, workspace):
    html = owner_client.get("/integrations/").content.decode()
    card = re.search(r'data-testid="card-google_workspace".*?<div class="card-title">.*?</span>(.*?)</div>', html, re.S)
    assert card.group(1) == "Google Workspace"


def test_appointments_are_offered_the_workspace_time_zone_from_a_searchable_list(owner_client, workspace):
    response = owner_client.post("/team/time-zone/", {"time_zone": "America/New_York"})
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.time_zone == "America/New_York"
    assert AuditEntry.objects.filter(action="time_zone_set").exists()

    page = owner_client.get("/appointments/new/")
    assert page.context["form"]["time_zone"].value() == "America/New_York"
    html = page.content.decode()
    assert 'list="time-zones"' in html
    offered = set(re.findall(r'<option value="([^"]+)">', re.search(r'<datalist id="time-zones">(.*?)</datalist>', html, re.S).group(1)))
    assert offered == available_timezones()

    # The API books in the workspace's zone too when no zone is given.
    from hubwire.core.models import ApiKey
    from django.test import Client
    api = Client(headers={"Authorization": f"Bearer {ApiKey.issue(workspace=workspace, name='t')[1]}"})
    answer = api.post("/api/appointments", {"title": "Call", "start": "2031-03-04T09:30:00", "end": "2031-03-04T10:00:00"},
                      content_type="application/json")
    assert answer.status_code == 201, answer.content
    booked = Appointment.objects.get(title="Call")
    assert (booked.time_zone, booked.start.isoformat()) == ("America/New_York", "2031-03-04T14:30:00+00:00")
    cleared = api.patch(f"/api/appointments/{booked.pk}", {"time_zone": None}, content_type="application/json")
    assert cleared.status_code == 422
    assert cleared.json()["detail"][0]["msg"] == "Choose a time zone. Pick one from the list, e.g. America/New_York."


def test_a_bad_workspace_time_zone_is_refused_and_members_cannot_change_it(owner_client, member, workspace):
    response = owner_client.post("/team/time-zone/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "“Mars/Olympus” is not a time zone. Pick one from the list" in response.content.decode()
    assert owner_client.post("/team/time-zone/", {"time_zone": " "}).status_code == 400
    assert logged_in(member).post("/team/time-zone/", {"time_zone": "Europe/Paris"}).status_code == 403
    workspace.refresh_from_db()
    assert workspace.time_zone == "UTC"


def test_the_team_nav_counts_unread_client_messages(owner_client, workspace):
    account = crm_objects(workspace)["accounts"]
    assert 'data-testid="nav-unread"' not in owner_client.get("/leads/").content.decode()
    for body in ("Hello", "Are you there?"):
        message_post(workspace=workspace, actor="client", account=account, body=body, direction="inbound")
    html = owner_client.get("/leads/").content.decode()
    assert re.search(r'data-testid="nav-unread">2<span class="visually-hidden"> unread</span>', html)
    owner_client.get(f"/messages/{account.pk}/")  # the team reads them
    assert 'data-testid="nav-unread"' not in owner_client.get("/leads/").content.decode()


def test_a_404_page_keeps_the_navigation_and_offers_a_way_back(owner_client, workspace):
    response = owner_client.get("/invoices/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<nav aria-label="Main">' in html and 'href="/invoices/"' in html
    assert "Back to the dashboard" in html
    portal = owner_client.get(f"/portal/{workspace.pk}/no/such/page/")
    assert portal.status_code == 404 and f'href="/portal/{workspace.pk}/"' in portal.content.decode()


def test_pages_have_a_favicon_served_locally(client, owner_client, workspace):
    for page in (owner_client.get("/"), client.get("/login/")):
        assert '<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">' in page.content.decode()
    icon = client.get("/static/core/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
