"""Accounts matched with QuickBooks customers by email, over real HTTP against the sandbox company:
by the account's email, by a contact's, created when nobody has it (once, with the account's
details), left for a person when two customers share the email, and the company's customers read
in pages of 1,000 with the database work batched."""

import pytest
from django.urls import reverse
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from hubwire.integrations.quickbooks.config import enable
from hubwire.integrations.quickbooks.customers import connected_customer_ids, customers_queue
from hubwire.jobs.runner import execute
from hubwire.sandbox.quickbooks import entities
from hubwire.sync.models import MatchedBy, RunOutcome, SyncRun, SyncStatus, Trigger
from tests.conftest import SANDBOX_DB
from tests.integrations.quickbooks.customer_helpers import (account, books, contact, customers, in_quickbooks,  # noqa: F401
                                                            named, passes, row, settle, wire)

pytestmark = SANDBOX_DB


def test_an_account_is_matched_by_its_own_email_whatever_its_case(books, workspace, wire):
    other = in_quickbooks(books, "Globex Corporation", "billing@globex.example")
    acme = in_quickbooks(books, "ACME Creative (books)", "Hello@ACME-Creative.example")
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()

    linked = row(agency)
    assert (linked.status, linked.external_id, linked.version, linked.matched_by) == (
        SyncStatus.SYNCED, acme["Id"], acme["SyncToken"], MatchedBy.AUTOMATIC)
    assert linked.synced["display_name"] == "ACME Creative (books)"
    assert linked.synced["how"] == "Matched automatically by this account's email."
    assert len(customers(books)) == 2 and not wire.batches()  # nothing created, nothing written
    assert other["Id"] != linked.external_id
    assert connected_customer_ids(workspace.pk, [agency.pk]) == {agency.pk: acme["Id"]}  # what invoices ask
    [run] = SyncRun.objects.filter(provider="quickbooks", what="customer")
    assert (run.trigger, run.outcome, run.updated, run.created) == (Trigger.CHANGE, RunOutcome.SUCCEEDED, 1, 0)


def test_an_account_nobody_has_by_its_email_is_matched_by_a_contacts_email(books, workspace):
    maya = in_quickbooks(books, "Maya Chen", "maya@acme-creative.example")
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    contact(workspace, agency, "Leo", "leo@acme-creative.example")
    contact(workspace, agency, "Maya", "MAYA@acme-creative.example")
    settle()

    linked = row(agency)
    assert (linked.external_id, linked.matched_by) == (maya["Id"], MatchedBy.AUTOMATIC)
    assert linked.synced["how"] == "Matched automatically by the emails of this account's contacts."
    assert len(customers(books)) == 1


def test_an_account_nobody_has_is_created_once_with_its_details(books, workspace, wire):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example", phone="+12125551234",
                     website="https://acme-creative.example", address="12 Canal Street\nSuite 4\nNew York, NY 10013")
    settle()

    [made] = customers(books)
    assert made["DisplayName"] == "ACME Creative Agency" and made["CompanyName"] == "ACME Creative Agency"
    assert made["PrimaryEmailAddr"] == {"Address": "hello@acme-creative.example"}
    assert made["PrimaryPhone"] == {"FreeFormNumber": "+12125551234"}
    assert made["WebAddr"] == {"URI": "https://acme-creative.example"}
    assert made["BillAddr"] == {"Line1": "12 Canal Street", "Line2": "Suite 4", "Line3": "New York, NY 10013"}
    created = row(agency)
    assert (created.status, created.external_id, created.version, created.matched_by) == (
        SyncStatus.SYNCED, made["Id"], "0", MatchedBy.CREATED)
    assert created.create_started_at is None and created.synced["how"] == "Created in QuickBooks by hubwire."
    [batch] = wire.batches()
    assert batch.param("requestid") and batch.body["BatchItemRequest"][0]["operation"] == "create"

    customers_queue(workspace, trigger=Trigger.BUTTON)  # another pass finds it connected: nothing to do
    settle()
    assert len(customers(books)) == 1 and len(wire.batches()) == 1
    assert passes()[-1].outcome == "Every customer was already in step."


def test_two_customers_sharing_the_email_leave_the_account_for_a_person(books, workspace, wire):
    in_quickbooks(books, "ACME Creative Agency", "hello@acme-creative.example")
    in_quickbooks(books, "ACME (old books)", "hello@acme-creative.example")
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()

    waiting = row(agency)
    assert (waiting.status, waiting.external_id) == (SyncStatus.FAILED, "")
    assert waiting.reason.startswith("2 QuickBooks customers have this account's email (ACME Creative Agency, "
                                     "ACME (old books)); hubwire does not guess.")
    assert "Choose one on the account's page." in waiting.reason
    assert len(customers(books)) == 2 and not wire.batches()
    [run] = SyncRun.objects.filter(provider="quickbooks", what="customer")
    assert run.outcome == RunOutcome.FAILED and run.failed == 1 and "does not guess" in run.errors[0]["why"]


def test_one_customer_two_accounts_share_an_email_the_second_waits_for_a_person(books, workspace):
    shared = in_quickbooks(books, "Northwind Traders", "office@northwind.example")
    first = account(workspace, "Northwind Traders", email="office@northwind.example")
    second = account(workspace, "Northwind Traders West", email="office@northwind.example")
    settle()
    assert row(first).external_id == shared["Id"]
    assert row(second).status == SyncStatus.FAILED
    assert "already connected to another account" in row(second).reason
    assert len(customers(books)) == 1


def test_two_new_accounts_sharing_an_email_make_one_customer_and_the_second_waits(books, workspace):
    first = account(workspace, "Initech", email="billing@initech.example")
    second = account(workspace, "Initech Europe", email="billing@initech.example")
    settle()
    [made] = customers(books)
    assert row(first).external_id == made["Id"] and row(first).matched_by == MatchedBy.CREATED
    assert row(second).status == SyncStatus.FAILED and "already connected to another account" in row(second).reason


def test_1500_customers_are_read_in_pages_once_per_pass_and_by_the_preview(books, workspace, wire, owner_client):
    realm = books.realm_id
    for n in range(1500):
        entities.create(realm, "Customer", {"DisplayName": f"Customer {n:04}",
                                            "PrimaryEmailAddr": {"Address": f"c{n}@customers.example"}})
    late = account(workspace, "The last customer", email="c1499@customers.example")
    first = account(workspace, "The first customer", email="c0@customers.example")
    fresh = account(workspace, "Nobody's customer", email="new@customers.example")
    settle()

    assert [q.param("query") for q in wire.queries()] == [
        "SELECT * FROM Customer WHERE Active = true STARTPOSITION 1 MAXRESULTS 1000",
        "SELECT * FROM Customer WHERE Active = true STARTPOSITION 1001 MAXRESULTS 1000"]
    assert named(books, "Customer 1499")[0]["Id"] == row(late).external_id
    assert named(books, "Customer 0000")[0]["Id"] == row(first).external_id
    assert row(fresh).matched_by == MatchedBy.CREATED and len(customers(books)) == 1501

    preview = owner_client.get(reverse("integrations:quickbooks_customers_connect")).content.decode()
    assert "read 1501 active customers in QuickBooks" in preview and len(wire.queries()) == 4


@pytest.mark.parametrize("accounts", [30, 90])
def test_the_database_work_of_a_pass_is_batched_not_one_query_per_account(quickbooks, workspace, accounts):
    for n in range(accounts):  # made before the integration is on: their events queue nothing
        made = account(workspace, f"Account {n:03}", email=f"a{n}@accounts.example")
        contact(workspace, made, "Pat", f"pat{n}@accounts.example")
    settle()
    assert not passes()
    enable(quickbooks.connection)
    job = customers_queue(workspace, trigger=Trigger.BUTTON)

    with CaptureQueriesContext(db) as queries:
        assert execute(job._meta.label_lower, job.pk) == "done"
    assert len(customers(quickbooks)) == accounts
    # A fixed cost per pass, and per chunk of 30 accounts: the lease (2), the rows, accounts and
    # contacts (3), the markers written before sending and the outcomes after (2 transactions), the
    # token read for each call, the release and the progress. Never one query per account.
    chunks = accounts // 30
    assert len(queries) <= 20 + 15 * chunks, len(queries)
