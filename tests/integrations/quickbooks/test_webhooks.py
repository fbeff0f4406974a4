"""Intuit's webhooks on a QuickBooks connection's own URL, over HTTP on the live server, mostly as the
sandbox sends them: verified with the verifier token the business pasted before anything is stored
(Intuit's published vector; a tampered body; no token pasted), both payload formats, a repeat stored
once, another company's notification ignored, the installation's shared URL refused; and what a
stored notification does: it queues one read of QuickBooks' changes, however many arrive."""

import json

import httpx
import pytest

from hubwire.integrations.models import Connection, InboundEvent
from hubwire.integrations.quickbooks.config import config_of, config_save
from hubwire.sandbox.quickbooks import webhooks as intuit
from hubwire.sync.models import SyncPass, Trigger
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.books import listen
from tests.integrations.quickbooks.conftest import CLIENT_ID

pytestmark = SANDBOX_DB

# Intuit's published test vector (providers.md §2.6, WebhooksServiceTest.java).
VECTOR_TOKEN = "b5771f19b12ddb4bcdb9f08bdc50bc63878a"
VECTOR_BODY = (b'{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer",'
               b'"id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}')
VECTOR_SIGNATURE = "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q="


def paste_verifier_token(connection: Connection, token: str) -> None:
    credentials = {**connection.credentials}
    if token:
        credentials["verifier_token"] = token
    else:
        credentials.pop("verifier_token", None)
    connection.credentials = credentials
    connection.save(update_fields=["credentials"])


def post(url: str, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"content-type": "application/json", **({"intuit-signature": signature} if signature else {})}
    return httpx.post(url, content=body, headers=headers, timeout=30)


def test_the_published_vector_is_accepted_and_a_tampered_copy_is_not(quickbooks):
    url = listen(quickbooks)
    paste_verifier_token(quickbooks.connection, VECTOR_TOKEN)

    tampered = post(url, VECTOR_BODY.replace(b'"id":"1"', b'"id":"2"'), VECTOR_SIGNATURE)
    unsigned = post(url, VECTOR_BODY, None)
    assert (tampered.status_code, unsigned.status_code) == (401, 401)
    assert "intuit-signature does not match" in tampered.json()["error"]
    assert not InboundEvent.objects.exists()

    accepted = post(url, VECTOR_BODY, VECTOR_SIGNATURE)
    assert accepted.status_code == 200 and accepted.json() == {"received": True}
    [event] = InboundEvent.objects.all()
    assert (event.event_type, event.account_ref, event.connection_id) == (
        "qbo.customer.created.v1", "1185883450", quickbooks.connection.pk)

    # The vector's company is not the one this connection is to: noted and ignored, nothing queued.
    run_jobs()
    event.refresh_from_db()
    assert event.outcome == (f"ignored (Customer 1 Create): it is about QuickBooks company 1185883450, not the "
                             f"connected company {quickbooks.realm_id}")
    assert not SyncPass.objects.exists()


def test_a_notification_the_sandbox_sends_queues_one_read_of_the_changes(quickbooks):
    listen(quickbooks)
    created = quickbooks.control("quickbooks-create-customer", DisplayName="Made In QuickBooks")
    quickbooks.control("quickbooks-edit-customer", Id=created["Customer"]["Id"], email="new@made.example")
    assert [d["status"] for d in created["delivered"]] == [200]

    events = list(InboundEvent.objects.order_by("pk"))
    assert [e.event_type for e in events] == ["qbo.customer.created.v1", "qbo.customer.updated.v1"]
    for event in events:
        assert json.loads(event.body)["dataChangeEvent"]["entities"][0]["id"] == created["Customer"]["Id"]

    from hubwire.jobs.runner import execute

    for event in events:  # only the notifications, not yet the pass they queue
        assert execute(InboundEvent._meta.label_lower, event.pk) == "done"
    [waiting] = SyncPass.objects.all()  # two notifications, one read
    assert (waiting.name, waiting.trigger, waiting.status) == ("quickbooks.changes", Trigger.WEBHOOK, "pending")
    assert [e.outcome for e in InboundEvent.objects.order_by("pk")] == [
        f"Customer {created['Customer']['Id']} Create: queued a read of QuickBooks' changes",
        f"Customer {created['Customer']['Id']} Update: queued a read of QuickBooks' changes"]


def test_a_repeated_notification_is_stored_once(quickbooks):
    listen(quickbooks)
    customer = quickbooks.control("quickbooks-create-customer", DisplayName="Repeat")["Customer"]
    for _ in range(2):  # Intuit sending the same notification again
        quickbooks.control("quickbooks-notify", entity="Customer", id=customer["Id"], operation="Update")
    assert InboundEvent.objects.filter(event_type="qbo.customer.updated.v1").count() == 1
    assert InboundEvent.objects.count() == 2  # the create, and the update once


def test_a_cloudevents_array_is_one_event_each(quickbooks):
    url = listen(quickbooks, format="cloudevents")
    customer = quickbooks.control("quickbooks-create-customer", DisplayName="Cloudy")["Customer"]
    [sent] = InboundEvent.objects.all()  # what the sandbox sent in the new format
    assert sent.event_type == "qbo.customer.created.v1" and sent.account_ref == quickbooks.realm_id

    changes = [intuit.change("Customer", customer["Id"], "Update"), intuit.change("Invoice", "77", "Delete"),
               intuit.change("Item", "5", "Create")]
    body = intuit.cloudevents_body(CLIENT_ID, quickbooks.realm_id, changes)
    answer = post(url, body, intuit.signature(intuit.subscription(CLIENT_ID).verifier_token, body))
    assert answer.status_code == 200 and answer.json() == {"received": True, "events": 3, "duplicates": 0}
    again = post(url, body, intuit.signature(intuit.subscription(CLIENT_ID).verifier_token, body))
    assert again.json() == {"received": True, "events": 3, "duplicates": 3}

    stored = list(InboundEvent.objects.exclude(pk=sent.pk).order_by("pk"))
    assert [e.event_type for e in stored] == ["qbo.customer.updated.v1", "qbo.invoice.deleted.v1", "qbo.item.created.v1"]
    assert [json.loads(e.body)["id"] for e in stored] == [event["id"] for event in json.loads(body)]
    assert len({e.event_id for e in stored}) == 3
    run_jobs()
    outcomes = [e.outcome for e in InboundEvent.objects.exclude(pk=sent.pk).order_by("pk")]
    assert outcomes[1] == "Invoice 77 Delete: queued a read of QuickBooks' changes"
    assert outcomes[2] == "ignored (Item 5 Create): hubwire does not follow QuickBooks Item changes"


def test_the_installations_shared_url_is_refused(quickbooks):
    listen(quickbooks)
    shared = f"{quickbooks.sandbox.base_url}/integrations/quickbooks/events/"
    token = quickbooks.connection.credentials["verifier_token"]
    answer = post(shared, VECTOR_BODY, intuit.signature(token, VECTOR_BODY))
    assert answer.status_code == 404 and "own URL" in answer.json()["error"]
    unknown = post(f"{shared}not-a-connection-token/", VECTOR_BODY, intuit.signature(token, VECTOR_BODY))
    assert unknown.status_code == 404
    assert not InboundEvent.objects.exists()


def test_without_a_pasted_verifier_token_nothing_is_accepted_and_the_reason_says_to_paste_it(quickbooks):
    url = listen(quickbooks)
    paste_verifier_token(quickbooks.connection, "")
    delivered = quickbooks.control("quickbooks-create-customer", DisplayName="Unheard")["delivered"]
    assert [d["status"] for d in delivered] == [401]
    body = intuit.legacy_body(quickbooks.realm_id, [intuit.change("Customer", "1", "Update")])
    refused = post(url, body, intuit.signature(intuit.subscription(CLIENT_ID).verifier_token, body))
    assert refused.status_code == 401 and "paste the verifier token" in refused.json()["error"]
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize("body", [b"[1]", b'{"eventNotifications": "no"}', b'{"hello": 1}', b"not json",
                                  b'[{"type": "qbo.customer.created.v1"}]',
                                  b'{"eventNotifications":[{"dataChangeEvent":{"entities":[]}}]}'])
def test_a_signed_body_that_is_not_a_notification_is_refused_and_stores_nothing(quickbooks, body):
    url = listen(quickbooks)
    refused = post(url, body, intuit.signature(intuit.subscription(CLIENT_ID).verifier_token, body))
    assert refused.status_code == 400 and refused.json()["error"]
    assert not InboundEvent.objects.exists()


def test_with_the_integration_turned_off_a_notification_is_stored_but_queues_nothing(quickbooks):
    listen(quickbooks)
    config = config_of(quickbooks.connection)
    config.enabled = False
    config_save(quickbooks.connection, config)
    quickbooks.control("quickbooks-create-customer", DisplayName="Paused")
    run_jobs()
    [event] = InboundEvent.objects.all()
    assert event.outcome.endswith("QuickBooks is not connected, or the integration is turned off")
    assert not SyncPass.objects.exists()
