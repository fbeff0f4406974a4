"""The notifications sandbox QuickBooks sends when something changes in QuickBooks itself
(providers.md §2.6): legacy or CloudEvents bodies, signed with intuit-signature, to the app's URL."""

import base64
import hashlib
import hmac
import json

from hubwire.sandbox.quickbooks.webhooks import signature
from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import EVENTS_PATH, count, fault_of, make_customer

pytestmark = SANDBOX_DB
VERIFIER = "verifier-token-pasted-in-hubwire"


def test_the_signature_matches_intuits_published_vector():
    payload = (b'{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer",'
               b'"id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}')
    assert signature("b5771f19b12ddb4bcdb9f08bdc50bc63878a", payload) == "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q="


def verified(delivery) -> bool:
    expected = base64.b64encode(hmac.new(VERIFIER.encode(), delivery.body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(delivery.headers["intuit-signature"], expected)


def sent(recorder, index: int):
    return json.loads(recorder.requests[index].body)


def test_a_customer_created_edited_and_deleted_in_quickbooks_is_notified(qbo, sandbox, realm, recorder):
    sandbox.control("quickbooks-webhook-settings", client_id="sandbox-quickbooks",
                    url=recorder.url(EVENTS_PATH), verifier_token=VERIFIER)
    created = sandbox.control("quickbooks-create-customer", realm_id=realm, DisplayName="Made In QBO",
                              PrimaryEmailAddr={"Address": "qbo@made.example"})
    assert created["delivered"] == [{"client_id": "sandbox-quickbooks", "status": 200}]
    customer_id = created["Customer"]["Id"]
    sandbox.control("quickbooks-edit-customer", realm_id=realm, Id=customer_id,
                    PrimaryEmailAddr={"Address": "new@made.example"})
    sandbox.control("quickbooks-delete-customer", realm_id=realm, Id=customer_id)

    assert len(recorder.requests) == 3 and all(verified(d) for d in recorder.requests)
    assert recorder.requests[0].path == "/integrations/quickbooks/events/conn-token/"
    operations = []
    for n in range(3):
        notification = sent(recorder, n)["eventNotifications"]
        assert [e["realmId"] for e in notification] == [realm]
        [entity] = notification[0]["dataChangeEvent"]["entities"]
        assert (entity["name"], entity["id"]) == ("Customer", customer_id)
        assert entity["lastUpdated"][-5] in "+-" and ":" not in entity["lastUpdated"][-5:]
        operations.append(entity["operation"])
    assert operations == ["Create", "Update", "Delete"]
    # hubwire's stored SyncToken is now stale: its next update gets 5010
    stale = qbo.post("/customer", json={"Id": customer_id, "SyncToken": "0", "sparse": True, "Notes": "x"})
    assert fault_of(stale)["code"] == "5010"


def test_the_cloudevents_format_once_the_app_switched(qbo, sandbox, realm, recorder):
    sandbox.control("quickbooks-webhook-settings", client_id="sandbox-quickbooks",
                    url=recorder.url(EVENTS_PATH), verifier_token=VERIFIER, format="cloudevents")
    customer = make_customer(qbo, "Billed")
    invoice = qbo.post("/invoice", json={"CustomerRef": {"value": customer["Id"]}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 5, "SalesItemLineDetail": {}}]}).json()["Invoice"]
    assert recorder.requests == []  # hubwire's own API writes are not sent back by these hooks
    sandbox.control("quickbooks-change", realm_id=realm, entity="Invoice", operation="void",
                    body={"Id": invoice["Id"]})
    [delivery] = recorder.requests
    assert verified(delivery)
    [event] = json.loads(delivery.body)
    assert event["specversion"] == "1.0" and event["type"] == "qbo.invoice.voided.v1"
    assert (event["intuitentityid"], event["intuitaccountid"]) == (invoice["Id"], realm)
    assert event["id"] and event["source"].startswith("intuit.") and event["time"].endswith("Z")


def test_a_notification_without_a_change_and_only_to_connected_apps(qbo, sandbox, realm, recorder):
    sandbox.control("quickbooks-webhook-settings", client_id="sandbox-quickbooks",
                    url=recorder.url(EVENTS_PATH), verifier_token=VERIFIER)
    customer = make_customer(qbo, "Repeat")
    for _ in range(2):
        sandbox.control("quickbooks-notify", realm_id=realm, entity="Customer", id=customer["Id"], operation="Update")
    assert [sent(recorder, n) for n in range(2)] == [sent(recorder, 0)] * 2
    sandbox.control("revoke", server="intuit")
    assert sandbox.control("quickbooks-notify", realm_id=realm, entity="Customer", id=customer["Id"]) == {
        "delivered": []}


def test_hooks_refuse_bad_fields_with_400(qbo, sandbox, realm, recorder):
    import httpx

    def post(action, **data):
        return httpx.post(f"{sandbox.base_url}/sandbox/_control/{action}/", json=data, timeout=30)

    sandbox.control("quickbooks-webhook-settings", client_id="sandbox-quickbooks",
                    url=recorder.url(EVENTS_PATH), verifier_token=VERIFIER)

    assert post("quickbooks-create-customer", realm_id=realm).status_code == 400  # no name: Intuit's 2020
    assert post("quickbooks-edit-customer", realm_id=realm, Id="404").status_code == 400
    assert post("quickbooks-change", realm_id=realm, entity="Spaceship", operation="create").status_code == 400
    assert post("quickbooks-webhook-settings", client_id="sandbox-quickbooks", format="xml").status_code == 400
    assert post("quickbooks-hold-requests", realm_id=realm, count=-1).status_code == 400
    assert post("quickbooks-change", realm_id=realm, entity="Customer", operation="merge").status_code == 400
    assert post("quickbooks-change", realm_id=realm, entity="Customer", operation="create", body=[1]).status_code == 400
    assert post("quickbooks-notify", realm_id=realm, entity="Customer", id="1", operation="Teleport").status_code == 400
    assert count(qbo, "Customer") == 0 and recorder.requests == []
    settings = sandbox.control("quickbooks-webhook-settings", client_id="sandbox-quickbooks")
    assert settings["url"] == recorder.url(EVENTS_PATH)
