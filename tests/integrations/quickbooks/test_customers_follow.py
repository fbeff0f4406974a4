"""Customers follow hubwire, over real HTTP against the sandbox company: connecting QuickBooks with
the integration on starts the pass, new and changed accounts follow by themselves (a sparse update
of the changed fields on the SyncToken), nothing happens while the integration is off; a stale
SyncToken (5010) is read again and retried once; a customer gone in QuickBooks (610) or made
inactive there is marked removed with the reason in words."""

from hubwire.crm.models import Account
from hubwire.crm.services import people
from hubwire.integrations.models import Connection
from hubwire.integrations.quickbooks.config import enable
from hubwire.integrations.quickbooks.customers import customers_queue
from hubwire.jobs.models import JobStatus
from hubwire.sandbox.quickbooks.models import Entity
from hubwire.sync.ledger import leased_many
from hubwire.sync.models import MatchedBy, SyncPass, SyncStatus, Trigger
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.conftest import CLIENT_ID, CLIENT_SECRET, VERIFIER_TOKEN, ConnectedCompany
from tests.integrations.quickbooks.customer_helpers import (account, books, contact, customers, in_quickbooks,  # noqa: F401
                                                            passes, row, settle, wire)

pytestmark = SANDBOX_DB


def edit(account_, **changes):
    return people.account_update(account=account_, actor="owner@example.test", **changes)


def test_connecting_with_the_integration_on_connects_the_customers(sandbox, owner_client, workspace):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    globex = account(workspace, "Globex Corporation", email="billing@globex.example")
    settle()  # no connection yet: the handlers do nothing
    assert not passes()
    owner_client.post("/integrations/quickbooks/credentials/", {
        "mode": "", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "verifier_token": VERIFIER_TOKEN})
    enable(Connection.objects.get(workspace=workspace, provider="quickbooks"))  # the tab's toggle, before Connect
    connection = oauth_flow.connect(owner_client, workspace, "quickbooks", email="books@intuit.example")
    [queued] = passes()
    assert (queued.trigger, queued.status) == (Trigger.CONNECT, JobStatus.PENDING)

    company = ConnectedCompany(connection, sandbox)
    in_books = in_quickbooks(company, "ACME (books)", "hello@acme-creative.example")
    settle()
    assert row(agency).external_id == in_books["Id"] and row(agency).matched_by == MatchedBy.AUTOMATIC
    assert row(globex).matched_by == MatchedBy.CREATED
    assert sorted(c["DisplayName"] for c in customers(company)) == ["ACME (books)", "Globex Corporation"]


def test_connecting_with_the_integration_off_writes_nothing(quickbooks, workspace):
    account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    assert not passes() and customers(quickbooks) == []


def test_a_new_account_is_created_and_its_changes_follow_as_sparse_updates(books, workspace, wire):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    made = row(agency)
    assert made.matched_by == MatchedBy.CREATED and made.version == "0"

    edit(agency, phone="+1 212 555 0199", address="12 Canal Street\nNew York")
    settle()
    [create, update] = wire.batches()
    [item] = update.body["BatchItemRequest"]
    assert item["operation"] == "update"
    assert item["Customer"] == {"Id": made.external_id, "SyncToken": "0", "sparse": True,
                                "PrimaryPhone": {"FreeFormNumber": "+12125550199"},
                                "BillAddr": {"Line1": "12 Canal Street", "Line2": "New York"}}
    [customer] = customers(books)
    assert customer["PrimaryPhone"] == {"FreeFormNumber": "+12125550199"} and customer["SyncToken"] == "1"
    assert customer["PrimaryEmailAddr"] == {"Address": "hello@acme-creative.example"}
    assert row(agency).version == "1" and row(agency).status == SyncStatus.SYNCED

    edit(agency, notes="Prefers email")  # nothing QuickBooks holds changed: no pass, no call
    settle()
    assert len(wire.batches()) == 2 and len(passes()) == 2


def test_a_renamed_account_renames_its_customer(books, workspace):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    edit(agency, name="ACME Creative Group")
    settle()
    [customer] = customers(books)
    assert (customer["DisplayName"], customer["CompanyName"]) == ("ACME Creative Group", "ACME Creative Group")
    assert row(agency).synced["display_name"] == "ACME Creative Group"


def test_nothing_follows_while_the_integration_is_off(books, workspace, wire):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    connection = books.refresh()
    connection.details["quickbooks"]["enabled"] = False
    Connection.objects.filter(pk=connection.pk).update(details=connection.details)
    edit(agency, phone="+12125550199")
    account(workspace, "Globex Corporation", email="billing@globex.example")
    settle()
    assert len(passes()) == 1 and len(customers(books)) == 1 and len(wire.batches()) == 1


def test_a_contacts_new_email_matches_an_account_still_waiting(books, workspace):
    in_quickbooks(books, "ACME (old books)", "ap@acme-creative.example")
    in_quickbooks(books, "ACME (new books)", "ap@acme-creative.example")
    maya = in_quickbooks(books, "Maya Chen", "maya@acme-creative.example")
    agency = account(workspace, "ACME Creative Agency", email="ap@acme-creative.example")
    settle()
    assert row(agency).status == SyncStatus.FAILED  # two customers share the account's email
    edit(agency, email="")  # the account's own email no longer decides; a contact's does
    contact(workspace, agency, "Maya", "maya@acme-creative.example")
    settle()
    assert row(agency).external_id == maya["Id"] and row(agency).status == SyncStatus.SYNCED


def test_a_stale_synctoken_is_read_again_and_the_update_retried_once(books, workspace, wire):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    customer_id = row(agency).external_id
    books.control("quickbooks-edit-customer", Id=customer_id, Notes="Net 30, ask for Dana")  # a bookkeeper's edit

    edit(agency, email="accounts@acme-creative.example")
    settle()
    stale, retried = wire.batches()[1:]
    assert stale.body["BatchItemRequest"][0]["Customer"]["SyncToken"] == "0"
    assert retried.body["BatchItemRequest"][0]["Customer"]["SyncToken"] == "1"
    assert [s.method for s in wire.to(f"/customer/{customer_id}")] == ["GET"]
    [customer] = customers(books)
    assert customer["PrimaryEmailAddr"] == {"Address": "accounts@acme-creative.example"}
    assert customer["Notes"] == "Net 30, ask for Dana"  # the bookkeeper's edit stays: only the email was sent
    assert (row(agency).status, row(agency).version) == (SyncStatus.SYNCED, "2")


def test_a_customer_gone_in_quickbooks_is_removed_with_the_reason_and_retry_makes_it_again(books, workspace,
                                                                                           owner_client):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    gone_id = row(agency).external_id
    # Merged into another customer in QuickBooks: the customer no longer exists (the sandbox has no merge).
    Entity.objects.filter(realm_id=books.realm_id, kind="Customer", entity_id=gone_id).update(deleted=True)

    edit(agency, phone="+12125550199")
    settle()
    removed = row(agency)
    assert removed.status == SyncStatus.REMOVED and removed.external_id == gone_id
    assert removed.reason.startswith("This record no longer exists in QuickBooks")
    tab = owner_client.get("/integrations/quickbooks/").content.decode()
    assert "This record no longer exists in QuickBooks" in tab and "ACME Creative Agency" in tab

    panel = owner_client.post(f"/integrations/sync/{removed.pk}/retry/", headers={"HX-Request": "true"})
    assert "Trying “ACME Creative Agency” again." in panel.content.decode()
    settle()
    again = row(agency)
    assert again.status == SyncStatus.SYNCED and again.matched_by == MatchedBy.CREATED and again.external_id != gone_id
    assert passes()[-1].trigger == Trigger.BUTTON


def test_a_customer_made_inactive_in_quickbooks_is_removed_with_the_reason(books, workspace):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    books.control("quickbooks-delete-customer", Id=row(agency).external_id)
    edit(agency, phone="+12125550199")
    settle()
    assert row(agency).status == SyncStatus.REMOVED and "made inactive in QuickBooks" in row(agency).reason


def test_a_pass_while_quickbooks_needs_attention_waits_and_says_why(books, workspace):
    account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    Connection.objects.filter(pk=books.connection.pk).update(status="needs_attention",
                                                            status_reason="The authorization was revoked.")
    customers_queue(workspace, trigger=Trigger.BUTTON)
    settle()
    last = SyncPass.objects.filter(name="quickbooks.customers").order_by("-id").first()
    assert last.outcome == "QuickBooks needs attention: The authorization was revoked."
    assert customers(books) == []


def test_a_change_while_a_pass_holds_the_account_waits_for_the_pass_and_is_not_lost(books, workspace):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    with leased_many([row(agency).pk]) as held:  # a pass is working on this row
        assert held == [row(agency).pk]
        edit(agency, phone="+12125550199")
        assert "later" in settle()  # the handler comes back rather than write under the pass
        assert row(agency).status == SyncStatus.SYNCED
    run_jobs(force=True)
    assert customers(books)[0]["PrimaryPhone"] == {"FreeFormNumber": "+12125550199"}


def test_the_address_is_part_of_an_account_in_the_api_and_on_its_page(books, workspace, api, owner_client):
    created = api.post("/api/accounts", {"name": "Hooli", "address": "1 Hacker Way\nPalo Alto, CA"},
                       content_type="application/json")
    assert created.status_code == 201 and created.json()["address"] == "1 Hacker Way\nPalo Alto, CA"
    too_long = api.post("/api/accounts", {"name": "Hooli", "address": "x" * 501}, content_type="application/json")
    assert too_long.status_code == 422 and "address" in str(too_long.json())
    hooli = Account.objects.get(name="Hooli")
    page = owner_client.post(f"/accounts/{hooli.pk}/edit/", {"name": "Hooli", "address": "2 Hacker Way\r\nPalo Alto"})
    assert page.status_code == 302
    settle()
    [customer] = customers(books)
    assert customer["BillAddr"] == {"Line1": "2 Hacker Way", "Line2": "Palo Alto"}
