"""What a client does in the portal (accept a contract, write, read the team's replies, open a
printable invoice) and what the team sees of it (the Client Portal tab, its card, the inbox)."""

import re

import pytest

from hubwire.crm.models import ContractStatus, Message, MessageDirection
from hubwire.crm.services.work import message_post
from hubwire.events.models import Event
from tests.conftest import logged_in
from tests.portal.conftest import portal_url, signed_in

pytestmark = pytest.mark.django_db


def test_a_client_accepts_a_contract_awaiting_acceptance_and_who_and_when_are_recorded(owner, workspace, a):
    client = signed_in(workspace, "maya@acme.test")
    url = portal_url(workspace, f"contracts/{a['contract'].pk}/")
    assert b"data-testid=\"accept\"" in client.get(url).content
    refused = client.post(url, {})
    assert refused.status_code == 400 and b"Tick the box" in refused.content
    a["contract"].refresh_from_db()
    assert a["contract"].status == ContractStatus.SENT and not Event.objects.filter(type="contract.accepted").exists()

    assert client.post(url, {"agree": "on"}).status_code == 302
    a["contract"].refresh_from_db()
    assert a["contract"].status == ContractStatus.ACCEPTED and a["contract"].accepted_by == a["contact"]
    assert a["contract"].accepted_by_name == "ACMEperson Client <maya@acme.test>" and a["contract"].accepted_at
    event = Event.objects.get(type="contract.accepted")
    assert event.data["accepted_by_id"] == a["contact"].pk and event.actor == "maya@acme.test (client portal)"
    page = client.get(url).content.decode()
    assert "by ACMEperson Client &lt;maya@acme.test&gt;" in page and 'data-testid="accept"' not in page
    again = client.post(url, {"agree": "on"})
    assert again.status_code == 409 and b"only one awaiting acceptance" in again.content
    team_page = logged_in(owner).get(f"/contracts/{a['contract'].pk}/").content.decode()
    assert "maya@acme.test" in team_page


def test_a_clients_message_arrives_unread_in_the_team_inbox_and_emits_message_received(owner, workspace, a):
    client = signed_in(workspace, "maya@acme.test")
    empty = client.post(portal_url(workspace, "messages/"), {"body": "   "})
    assert empty.status_code == 400 and b"This field is required" in empty.content
    assert not Message.objects.exists()

    assert client.post(portal_url(workspace, "messages/"), {"body": "Could we see a darker palette?"}).status_code == 302
    message = Message.objects.get()
    assert (message.direction, message.contact, message.read_at) == (MessageDirection.INBOUND, a["contact"], None)
    event = Event.objects.get(type="message.received")
    assert event.data["body"] == "Could we see a darker palette?" and event.data["contact_id"] == a["contact"].pk

    team = logged_in(owner)
    tab = team.get("/integrations/portal/").content.decode()
    assert re.search(r'data-testid="stat-unread" href="/messages/"><div class="stat">1<', tab)
    assert "1 unread" in team.get("/messages/").content.decode()
    thread = team.get(f"/messages/{a['account'].pk}/").content.decode()
    assert 'data-testid="new"' in thread  # marked new on this showing…
    assert 'data-testid="new"' not in team.get(f"/messages/{a['account'].pk}/").content.decode()  # …then read
    assert "1 unread" not in team.get("/messages/").content.decode()


def test_the_teams_reply_is_new_in_the_portal_until_the_client_reads_it(owner, workspace, a):
    client = signed_in(workspace, "maya@acme.test")
    team = logged_in(owner)
    assert team.post(f"/messages/{a['account'].pk}/", {"body": "Darker palette attached."}).status_code == 302
    assert b'data-testid="unread-count">1 new' in client.get(portal_url(workspace)).content
    first = client.get(portal_url(workspace, "messages/")).content.decode()
    assert "Darker palette attached." in first and 'data-testid="new"' in first
    assert 'data-testid="new"' not in client.get(portal_url(workspace, "messages/")).content.decode()
    assert b"unread-count" not in client.get(portal_url(workspace)).content
    assert "read by the client" in team.get(f"/messages/{a['account'].pk}/").content.decode()


def test_the_invoice_is_printable_and_pay_now_needs_stripe(workspace, a):
    client = signed_in(workspace, "maya@acme.test")
    page = client.get(portal_url(workspace, f"invoices/{a['invoice'].pk}/")).content.decode()
    assert "Identity design" in page and "data-print" in page and "1,250.00" in page
    assert 'data-testid="pay-now"' not in page  # Stripe is not connected
    response = client.post(portal_url(workspace, f"invoices/{a['invoice'].pk}/pay/"))
    assert response.status_code == 409 and b"Online payment is not available" in response.content


def test_projects_show_status_and_milestones(owner, workspace, a):
    from hubwire.crm.models import Milestone

    team = logged_in(owner)
    bad = team.post(f"/projects/{a['project'].pk}/milestones/", {"title": ""})
    assert bad.status_code == 302 and Milestone.objects.filter(project=a["project"]).count() == 1
    team.post(f"/projects/{a['project'].pk}/milestones/", {"title": "Logo delivered", "due_date": "2030-02-01"})
    done = Milestone.objects.get(title="ACME Creative moodboards")
    team.post(f"/milestones/{done.pk}/done/", {"done": "1"})
    client = signed_in(workspace, "maya@acme.test")
    assert "1 of 2 done" in client.get(portal_url(workspace, "projects/")).content.decode()
    page = client.get(portal_url(workspace, f"projects/{a['project'].pk}/")).content.decode()
    assert "Logo delivered" in page and "due Feb 1, 2030" in page and "Active" in page
    assert [m["title"] for m in Event.objects.filter(type="project.updated").first().data["milestones"]] == \
        ["Logo delivered", "ACME Creative moodboards"]


def test_the_client_portal_card_and_tab(settings, owner, workspace):
    from hubwire.crm.services.people import account_create, contact_create
    from hubwire.portal.services import access_set, invite_send

    team = logged_in(owner)

    def card():
        return re.search(r'data-testid="card-portal" data-colour="(\w+)"', team.get("/integrations/").content.decode()).group(1)

    assert card() == "grey"
    acme = account_create(workspace=workspace, actor="t", name="ACME")
    leo = contact_create(workspace=workspace, actor="t", account=acme, first_name="Leo", email="leo@acme.test")
    # The switch's htmx answer is the page's whole state region: the row, the card and the stats, all current.
    swapped = team.post(f"/integrations/portal/accounts/{acme.pk}/access/", {"enabled": "1"}, HTTP_HX_REQUEST="true",
                        follow=True).content.decode()
    assert "<html" not in swapped and f'data-testid="portal-account-{acme.pk}" data-on="1"' in swapped
    assert 'data-testid="card-portal" data-colour="orange"' in swapped
    assert re.search(r'data-testid="stat-accounts"><div class="stat">1<', swapped)
    assert card() == "orange"  # on, but nobody can sign in yet
    invite_send(contact=leo, actor=owner)
    assert card() == "orange"  # an invitation is not a password yet
    team.post(f"/integrations/portal/contacts/{leo.pk}/password/", {"password": "granite-willow-88"})
    assert card() == "green"
    tab = team.get("/integrations/portal/").content.decode()
    assert re.search(r'data-testid="stat-accounts"><div class="stat">1<', tab)
    assert re.search(r'data-testid="stat-users"><div class="stat">1<', tab)
    assert f'data-copy="{settings.HUBWIRE_BASE_URL}/portal/{workspace.pk}/"' in tab
    assert "Client portal turned on" in tab and "portal password set" in tab  # the tab's recent activity, in words
    access_set(account=acme, enabled=False, actor=owner)
    assert card() == "grey"


def test_manage_contacts_allows_and_stops_logins(owner, workspace, a):
    from hubwire.core.models import AuditEntry
    from hubwire.crm.services.people import contact_create
    from hubwire.portal.models import PortalUser

    team = logged_in(owner)
    leo = contact_create(workspace=workspace, actor="t", account=a["account"], first_name="Leo", email="leo@acme.test")
    nomail = contact_create(workspace=workspace, actor="t", account=a["account"], first_name="Nomail")
    page = team.get(f"/integrations/portal/accounts/{a['account'].pk}/").content.decode()
    assert f'data-testid="portal-contact-{leo.pk}" data-allowed="0"' in page
    assert team.post(f"/integrations/portal/contacts/{leo.pk}/login/", {"allowed": "1"}).status_code == 302
    assert PortalUser.objects.get(contact=leo).allowed and not PortalUser.objects.get(contact=leo).has_password
    assert team.post(f"/integrations/portal/contacts/{leo.pk}/login/", {"allowed": "0"}).status_code == 302
    assert not PortalUser.objects.get(contact=leo).allowed
    assert list(AuditEntry.objects.filter(action__startswith="portal_login").values_list("action", flat=True)) == \
        ["portal_login_stopped", "portal_login_allowed"]
    refused = team.post(f"/integrations/portal/contacts/{nomail.pk}/login/", {"allowed": "1"})
    assert refused.status_code == 400 and b"Add an email address to Nomail first" in refused.content
    assert not PortalUser.objects.filter(contact=nomail).exists()
    no_email = team.post(f"/integrations/portal/contacts/{nomail.pk}/password/", {"password": "granite-willow-88"})
    assert no_email.status_code == 400 and not PortalUser.objects.filter(contact=nomail).exists()


def test_a_milestone_needs_a_title_and_a_due_date_inside_the_project(owner, workspace, a):
    from datetime import date

    from hubwire.crm.models import Milestone
    from hubwire.crm.services.work import project_update

    project_update(project=a["project"], actor="t", start_date=date(2030, 1, 1))
    team = logged_in(owner)
    url = f"/projects/{a['project'].pk}/milestones/"
    for data, why in [({"title": ""}, "title: This field is required."),
                      ({"title": "Logo", "due_date": "not a date"}, "due_date: Enter a valid date."),
                      ({"title": "Logo", "due_date": "2029-12-31"}, "cannot be due before the project starts")]:
        page = team.post(url, data, follow=True).content.decode()
        assert "Milestone not added" in page and why in page, data
    assert Milestone.objects.filter(project=a["project"]).count() == 1
