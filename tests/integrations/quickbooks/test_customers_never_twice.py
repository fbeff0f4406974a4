"""Never two customers for one account, over real HTTP against the sandbox company: a batch whose
answer was lost (the worker died after sending) is sent again with its requestid and QuickBooks'
first answer adopted; a batch that never left is sent with the same requestid; and QuickBooks' rule
that a display name is unique across customers, vendors and employees (6240) met with a clear
choice: the customer holding the name is this account's when it has the account's email, anyone
else's name gets a suffix (once), and the record says why."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from hubwire.integrations.quickbooks.config import enable
from hubwire.integrations.quickbooks.customers import customers_queue
from hubwire.jobs.models import JobStatus
from hubwire.jobs.runner import execute
from hubwire.sandbox.quickbooks.models import Entity, Replay
from hubwire.sync.ledger import new_marker
from hubwire.sync.models import MatchedBy, SyncPass, SyncRecord, SyncStatus, Trigger
from tests.conftest import SANDBOX_DB
from tests.integrations.quickbooks.customer_helpers import (account, books, customers, in_quickbooks, named,  # noqa: F401
                                                            row, settle, wire)

pytestmark = SANDBOX_DB


class WorkerKilled(BaseException):
    """kill -9 of the worker: nothing after this point runs (no except Exception catches it)."""


def kill_the_worker_at_the_batch(monkeypatch, *, after_sending: bool):
    real = httpx.HTTPTransport.handle_request

    def dies(transport, request):
        if not request.url.path.endswith("/batch"):
            return real(transport, request)
        if after_sending:
            real(transport, request).read()  # QuickBooks acted; its answer never reaches hubwire
        raise WorkerKilled()

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", dies)
    return real


def the_next_worker_runs_the_pass_it_left():
    [left] = SyncPass.objects.filter(status=JobStatus.RUNNING)
    SyncPass.objects.filter(pk=left.pk).update(locked_until=timezone.now() - timedelta(seconds=1))  # lease ran out
    assert execute(left._meta.label_lower, left.pk) == "done"
    settle()


@pytest.mark.parametrize("after_sending", [True, False], ids=["answer lost", "never sent"])
def test_a_batch_cut_short_is_sent_again_with_its_requestid_and_nothing_is_made_twice(books, workspace, monkeypatch,
                                                                                      wire, after_sending):
    clients = [account(workspace, f"Client {n}", email=f"c{n}@clients.example") for n in range(3)]
    real = kill_the_worker_at_the_batch(monkeypatch, after_sending=after_sending)
    with pytest.raises(WorkerKilled):
        settle()
    assert len(customers(books)) == (3 if after_sending else 0)
    requestid = row(clients[0]).marker
    for client in clients:  # written before the request went
        unseen = row(client)
        assert (unseen.external_id, unseen.marker, unseen.status) == ("", requestid, SyncStatus.PENDING)
        assert unseen.create_started_at is not None and unseen.busy_until is None

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", real)
    the_next_worker_runs_the_pass_it_left()
    assert sorted(c["DisplayName"] for c in customers(books)) == ["Client 0", "Client 1", "Client 2"]
    sent_with = [batch.param("requestid") for batch in wire.batches()]
    assert sent_with.count(requestid) == (2 if after_sending else 1)  # the batch again, with its requestid
    assert Replay.objects.filter(realm_id=books.realm_id, request_id=requestid).count() == 1
    ids = {c["Id"] for c in customers(books)}
    for client in clients:
        found = row(client)
        assert found.status == SyncStatus.SYNCED and found.external_id in ids
        assert found.matched_by == MatchedBy.CREATED and found.create_started_at is None

    customers_queue(workspace, trigger=Trigger.BUTTON)
    settle()
    assert len(customers(books)) == 3


def test_a_name_another_customer_holds_gets_the_email_domain_and_the_record_says_why(books, workspace, wire):
    in_quickbooks(books, "ACME Creative Agency", "someone@else.example")
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    [ours] = named(books, "ACME Creative Agency (acme-creative.example)")
    made = row(agency)
    assert made.external_id == ours["Id"] and made.status == SyncStatus.SYNCED
    assert made.synced["how"] == (
        "QuickBooks already has a customer, vendor or employee named “ACME Creative Agency” with another email, "
        "so hubwire created this customer as “ACME Creative Agency (acme-creative.example)” (a display name must "
        "be unique in QuickBooks).")
    assert len(wire.batches()) == 1  # the pass knew the name was taken: no refused create first


def test_without_an_email_the_suffix_is_the_first_free_number(books, workspace):
    in_quickbooks(books, "Stark Bakery")
    in_quickbooks(books, "Stark Bakery (2)")
    bakery = account(workspace, "Stark Bakery")
    settle()
    assert row(bakery).synced["display_name"] == "Stark Bakery (3)" and len(named(books, "Stark Bakery (3)")) == 1


def a_vendor_named(company, *names):
    """The sandbox keeps no vendors; what matters is a vendor's name holding its place in QuickBooks'
    one namespace of display names (customers, vendors and employees), which is what answers 6240."""
    for n, name in enumerate(names):
        Entity.objects.create(realm_id=company.realm_id, kind="Vendor", entity_id=str(9000 + n), name_space="Name",
                              name_key=name.casefold(), body={"Id": str(9000 + n), "DisplayName": name},
                              updated_at=timezone.now())


def test_a_name_a_vendor_holds_is_refused_then_created_once_with_the_suffix(books, workspace, wire):
    a_vendor_named(books, "Umbrella Studio")
    studio = account(workspace, "Umbrella Studio", email="tom@umbrella.example")
    settle()
    refused, retried = wire.batches()
    assert refused.body["BatchItemRequest"][0]["Customer"]["DisplayName"] == "Umbrella Studio"
    assert retried.body["BatchItemRequest"][0]["Customer"]["DisplayName"] == "Umbrella Studio (umbrella.example)"
    assert retried.param("requestid") != refused.param("requestid")
    [made] = customers(books)
    assert row(studio).external_id == made["Id"] and "created this customer as “Umbrella Studio (umbrella.example)”" \
        in row(studio).synced["how"]


def test_a_name_refused_twice_fails_with_the_reason_in_words(books, workspace, wire):
    a_vendor_named(books, "Umbrella Studio", "Umbrella Studio (umbrella.example)")
    studio = account(workspace, "Umbrella Studio", email="tom@umbrella.example")
    settle()
    failed = row(studio)
    assert failed.status == SyncStatus.FAILED and failed.create_started_at is None
    assert failed.reason == ("A customer, vendor or employee in QuickBooks already has this name. Change the name "
                             "here or in QuickBooks so that they differ, then try again. (QuickBooks refused "
                             "“Umbrella Studio (umbrella.example)”.)")
    assert customers(books) == [] and len(wire.batches()) == 2


def test_a_refused_name_held_by_a_customer_with_the_accounts_email_is_connected_not_duplicated(quickbooks, workspace):
    """A create QuickBooks answered but did not replay (its requestid forgotten): sent again, it meets
    its own customer's name, and the customer with this account's email is connected."""
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")  # integration off
    ours = in_quickbooks(quickbooks, "ACME Creative Agency", "hello@acme-creative.example")
    SyncRecord.objects.create(workspace=workspace, provider="quickbooks", kind="customer", local_id=agency.pk,
                              status=SyncStatus.PENDING, marker=new_marker(), create_started_at=timezone.now(),
                              synced={"display_name": "ACME Creative Agency"})
    enable(quickbooks.connection)
    customers_queue(workspace, trigger=Trigger.BUTTON)
    settle()
    found = row(agency)
    assert (found.external_id, found.status, found.matched_by) == (ours["Id"], SyncStatus.SYNCED, MatchedBy.CREATED)
    assert found.synced["how"].startswith("QuickBooks already had a customer named “ACME Creative Agency” with this "
                                          "account's email")
    assert len(customers(quickbooks)) == 1
