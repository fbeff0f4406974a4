"""The invoice export's pages: the QuickBooks card on an invoice's page and its Export now, Sync All
Invoices and the tab's invoices section; who may use them (any member; another workspace's invoice
is a 404, a signed-out visitor is sent to sign in), and what each says when it cannot help."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.crm.models import Invoice
from hubwire.crm.services.documents import invoice_create
from hubwire.integrations.quickbooks import config
from hubwire.integrations.quickbooks.invoices import PASS_ALL, PASS_FOLLOW
from hubwire.sync.models import SyncPass, SyncStatus
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.invoicing import ACTOR, issue, linked_account, qbo_invoices, row_of, waiting_for_a_person

pytestmark = SANDBOX_DB


def card(client, invoice) -> str:
    return client.get(f"/invoices/{invoice.pk}/").content.decode()


@pytest.fixture
def acme(quickbooks, workspace):
    config.enable(quickbooks.connection)
    return linked_account(quickbooks, workspace)


def test_an_invoice_page_has_no_quickbooks_card_before_quickbooks_is_connected(workspace, owner_client):
    from hubwire.crm.services.people import account_create

    invoice = invoice_create(workspace=workspace, actor=ACTOR, account=account_create(
        workspace=workspace, actor=ACTOR, name="ACME"), lines=[{"description": "x", "unit_amount": 100}])
    assert 'data-testid="qbo-card"' not in card(owner_client, invoice)


def test_the_card_says_where_the_invoice_stands_and_export_now_sends_it(quickbooks, acme, workspace, owner_client):
    invoice = issue(workspace, acme)
    run_jobs()
    page = card(owner_client, invoice)
    assert "Waiting for the next export" in page and "It goes with the next scheduled export on " in page
    assert 'data-testid="qbo-export"' in page

    response = owner_client.post(f"/integrations/quickbooks/invoices/{invoice.pk}/export/",
                                 headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert f"{invoice.number} is on its way to QuickBooks." in fragment and "Being exported" in fragment
    assert 'hx-trigger="every 2s"' in fragment  # it refreshes itself until the export is done
    [follow] = SyncPass.objects.filter(name=PASS_FOLLOW)
    assert follow.trigger == "button"
    run_jobs()

    page = owner_client.get(f"/integrations/quickbooks/invoices/{invoice.pk}/").content.decode()
    [sent] = qbo_invoices(quickbooks)
    assert "In QuickBooks" in page and f"Id {sent['Id']}" in page and invoice.number in page
    assert 'hx-trigger="every 2s"' not in page and 'data-testid="qbo-export"' not in page


def test_the_card_says_why_an_invoice_is_not_exported(acme, workspace, owner_client):
    draft = invoice_create(workspace=workspace, actor=ACTOR, account=acme,
                           lines=[{"description": "x", "unit_amount": 1}])
    assert "is a draft: it is exported once it is issued" in card(owner_client, draft)
    old = issue(workspace, acme)
    Invoice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    page = card(owner_client, old)
    assert "created before the QuickBooks integration was enabled" in page and 'data-testid="qbo-export"' not in page

    response = owner_client.post(f"/integrations/quickbooks/invoices/{old.pk}/export/", headers={"HX-Request": "true"})
    assert "hubwire never exports invoices from before then" in response.content.decode()
    assert row_of(old) is None


def test_a_member_may_export_and_sync_all(acme, workspace, member):
    invoice = issue(workspace, acme)
    client = logged_in(member)
    assert client.post(f"/integrations/quickbooks/invoices/{invoice.pk}/export/").status_code == 302
    assert client.post("/integrations/quickbooks/invoices/sync-all/").status_code == 302
    assert set(SyncPass.objects.values_list("name", flat=True)) == {PASS_ALL, PASS_FOLLOW}


def test_another_workspaces_invoice_is_a_404_and_changes_nothing(acme, workspace, outsider):
    invoice = issue(workspace, acme)
    client = logged_in(outsider)
    assert client.get(f"/integrations/quickbooks/invoices/{invoice.pk}/").status_code == 404
    assert client.post(f"/integrations/quickbooks/invoices/{invoice.pk}/export/").status_code == 404
    assert client.get("/integrations/quickbooks/invoices/section/").status_code == 404  # never connected there
    client.post("/integrations/quickbooks/invoices/sync-all/")
    assert not SyncPass.objects.filter(workspace=workspace).exists() and row_of(invoice) is None


def test_signed_out_visitors_are_sent_to_sign_in(acme, workspace, client):
    invoice = issue(workspace, acme)
    for method, url in [("get", f"/integrations/quickbooks/invoices/{invoice.pk}/"),
                        ("post", f"/integrations/quickbooks/invoices/{invoice.pk}/export/"),
                        ("post", "/integrations/quickbooks/invoices/sync-all/"),
                        ("get", "/integrations/quickbooks/invoices/section/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert not SyncPass.objects.exists()


def test_sync_all_without_an_enabled_integration_says_so_and_queues_nothing(quickbooks, owner_client):
    response = owner_client.post("/integrations/quickbooks/invoices/sync-all/", follow=True)
    assert "Connect QuickBooks and enable its invoice export first." in response.content.decode()
    assert not SyncPass.objects.exists()


def test_the_section_counts_the_invoices_and_shows_the_next_export(quickbooks, acme, workspace, owner_client):
    exported = issue(workspace, acme)
    owner_client.post(f"/integrations/quickbooks/invoices/{exported.pk}/export/")
    run_jobs()
    issue(workspace, acme)  # waiting for the export day
    issue(workspace, waiting_for_a_person(quickbooks, workspace))  # and for its customer
    run_jobs()

    html = owner_client.get("/integrations/quickbooks/invoices/section/").content.decode()
    assert 'data-testid="qbo-invoices-exported">1<' in html
    assert "2 (1 for its customer to be connected)" in html
    assert "Next scheduled export" in html and "On the 5th, 10th, 15th, 20th, 25th and 30th" in html
    assert "February has no 30th: its last export runs on" in html
    assert "2 invoices not in QuickBooks yet" in html
    assert row_of(exported).status == SyncStatus.SYNCED
