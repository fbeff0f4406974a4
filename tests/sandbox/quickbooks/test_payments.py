"""Sandbox QuickBooks' Payment (providers.md §2.3, Intuit's Payment reference): create with a CustomerRef
and TotalAmt, lines applied to invoices (which lowers their Balance and links them), read, query,
sparse update, void (both spellings), delete, batch and CDC; Faults for what QuickBooks refuses, which
change nothing; and the hook by which a QuickBooks user records a payment and the apps are told."""

import json

import httpx
import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import EVENTS_PATH, count, fault_of, make_customer, query

pytestmark = SANDBOX_DB


@pytest.fixture
def customer(qbo):
    return make_customer(qbo, "ACME Creative Agency", "billing@acme.example")


def make_invoice(qbo, customer, amount=100.0) -> dict:
    response = qbo.post("/invoice", json={"CustomerRef": {"value": customer["Id"]}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": amount, "SalesItemLineDetail": {}}]})
    assert response.status_code == 200, response.text
    return response.json()["Invoice"]


@pytest.fixture
def invoice(qbo, customer):
    return make_invoice(qbo, customer)


def paying(customer, *applied, total=None) -> dict:
    """A Payment body applying (invoice, amount) pairs."""
    lines = [{"Amount": amount, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]} for inv, amount in applied]
    return {"CustomerRef": {"value": customer["Id"]}, "TotalAmt": total if total is not None else
            sum(amount for _, amount in applied), "Line": lines}


def create_payment(qbo, body, **params) -> dict:
    response = qbo.post("/payment", json=body, params=params)
    assert response.status_code == 200, response.text
    return response.json()["Payment"]


def read(qbo, kind: str, entity_id: str) -> dict:
    return qbo.get(f"/{kind.lower()}/{entity_id}").json()[kind]


def test_a_payment_applied_to_an_invoice_lowers_its_balance_and_links_them(qbo, customer, invoice):
    payment = create_payment(qbo, paying(customer, (invoice, 40.0), total=50))

    assert payment["CustomerRef"] == {"value": customer["Id"], "name": "ACME Creative Agency"}
    assert (payment["TotalAmt"], payment["UnappliedAmt"], payment["SyncToken"]) == (50.0, 10.0, "0")
    assert payment["Line"] == [{"Amount": 40.0, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]
    assert payment["TxnDate"] and payment["CurrencyRef"]["value"] == "USD"
    after = read(qbo, "Invoice", invoice["Id"])
    assert (after["TotalAmt"], after["Balance"]) == (100.0, 60.0)
    assert after["LinkedTxn"] == [{"TxnId": payment["Id"], "TxnType": "Payment"}]
    assert after["SyncToken"] == "1"  # the invoice changed: an app holding SyncToken 0 is now stale
    assert read(qbo, "Payment", payment["Id"]) == payment
    assert [p["Id"] for p in query(qbo, f"select * from Payment where CustomerRef = '{customer['Id']}'")["Payment"]] \
        == [payment["Id"]]


def test_changing_a_payment_moves_what_it_applies(qbo, customer, invoice):
    other = make_invoice(qbo, customer, 30.0)
    payment = create_payment(qbo, paying(customer, (invoice, 100.0)))
    assert read(qbo, "Invoice", invoice["Id"])["Balance"] == 0

    moved = qbo.post("/payment", json={"Id": payment["Id"], "SyncToken": "0", "sparse": True, "TotalAmt": 50,
                                       "Line": [{"Amount": 20, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]},
                                                {"Amount": 30, "LinkedTxn": [{"TxnId": other["Id"], "TxnType": "Invoice"}]}]})

    assert moved.status_code == 200, moved.text
    assert moved.json()["Payment"]["SyncToken"] == "1"
    assert read(qbo, "Invoice", invoice["Id"])["Balance"] == 80.0
    assert read(qbo, "Invoice", other["Id"])["Balance"] == 0
    # an update of the invoice itself keeps what is paid on it, and the link
    updated = qbo.post("/invoice", json={"Id": invoice["Id"], "SyncToken": read(qbo, "Invoice", invoice["Id"])["SyncToken"],
                                         "CustomerRef": {"value": customer["Id"]}, "Line": [
                                             {"DetailType": "SalesItemLineDetail", "Amount": 150, "SalesItemLineDetail": {}}]})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["Invoice"]["Balance"], updated.json()["Invoice"]["LinkedTxn"]) == (
        130.0, [{"TxnId": payment["Id"], "TxnType": "Payment"}])


@pytest.mark.parametrize("params", [{"operation": "void"}, {"operation": "update", "include": "void"}])
def test_a_voided_payment_gives_the_invoice_its_balance_back(qbo, customer, invoice, params):
    payment = create_payment(qbo, paying(customer, (invoice, 100.0)))
    voided = qbo.post("/payment", params=params, json={"Id": payment["Id"], "SyncToken": "0", "sparse": True})
    assert voided.status_code == 200, voided.text
    body = voided.json()["Payment"]
    assert (body["TotalAmt"], body["PrivateNote"], body["Line"][0]["Amount"]) == (0, "Voided", 0)
    after = read(qbo, "Invoice", invoice["Id"])
    assert (after["Balance"], after["LinkedTxn"]) == (100.0, [])


def test_a_deleted_payment_gives_the_balance_back_and_cdc_reports_both(qbo, customer, invoice, sandbox):
    from hubwire.sandbox import clock

    since = clock.now().isoformat()
    payment = create_payment(qbo, paying(customer, (invoice, 25.0)))
    deleted = qbo.post("/payment", params={"operation": "delete"}, json={"Id": payment["Id"], "SyncToken": "0"})
    assert deleted.json()["Payment"] == {"domain": "QBO", "status": "Deleted", "Id": payment["Id"]}
    assert read(qbo, "Invoice", invoice["Id"])["Balance"] == 100.0
    assert fault_of(qbo.get(f"/payment/{payment['Id']}"))["code"] == "610"

    answer = qbo.get("/cdc", params={"entities": "Invoice,Payment", "changedSince": since}).json()
    invoices, payments = answer["CDCResponse"][0]["QueryResponse"]
    assert [(p["Id"], p["status"]) for p in payments["Payment"]] == [(payment["Id"], "Deleted")]
    assert [i["Balance"] for i in invoices["Invoice"]] == [100.0]


def test_an_invoice_with_a_payment_applied_cannot_be_voided_or_deleted(qbo, customer, invoice):
    create_payment(qbo, paying(customer, (invoice, 10.0)))
    current = read(qbo, "Invoice", invoice["Id"])
    for operation in ("void", "delete"):
        refused = qbo.post("/invoice", params={"operation": operation},
                           json={"Id": invoice["Id"], "SyncToken": current["SyncToken"]})
        error = fault_of(refused)
        assert (error["code"], error["element"]) == ("6000", "LinkedTxn")
    assert read(qbo, "Invoice", invoice["Id"]) == current


def test_what_quickbooks_refuses_is_a_fault_and_writes_nothing(qbo, customer, invoice):
    stranger = make_customer(qbo, "Someone Else")
    cases = [
        ({"TotalAmt": 5}, "2020", "CustomerRef"),
        ({"CustomerRef": {"value": customer["Id"]}}, "2020", "TotalAmt"),
        ({**paying(customer, (invoice, 5.0)), "TotalAmt": -1}, "2010", "TotalAmt"),
        (paying(customer, (invoice, 60.0), total=50), "6000", "TotalAmt"),
        (paying(customer, (invoice, 100.01)), "6000", "Line.Amount"),
        (paying(stranger, (invoice, 5.0)), "6000", "CustomerRef"),
        (paying(customer, ({"Id": "999"}, 5.0)), "2500", "Line.LinkedTxn.TxnId"),
        ({**paying(customer, (invoice, 5.0)), "Line": [{"Amount": 5, "LinkedTxn": [
            {"TxnId": invoice["Id"], "TxnType": "CreditMemo"}]}]}, "2170", "Line[0].LinkedTxn.TxnType"),
        ({**paying(customer, (invoice, 5.0)), "Line": [{"Amount": 5}]}, "2020", "Line[0].LinkedTxn"),
        ({**paying(customer, (invoice, 5.0)), "PaymentRefNum": "x" * 22}, "2010", "PaymentRefNum"),
        ({**paying(customer, (invoice, 5.0)), "Spaceship": True}, "2010", "Spaceship"),
    ]
    for body, code, element in cases:
        error = fault_of(qbo.post("/payment", json=body))
        assert (error["code"], error["element"]) == (code, element), body
    assert count(qbo, "Payment") == 0
    assert read(qbo, "Invoice", invoice["Id"]) == invoice


def test_payments_in_a_batch_each_on_their_own(qbo, customer, invoice):
    answer = qbo.post("/batch", json={"BatchItemRequest": [
        {"bId": "1", "operation": "create", "Payment": paying(customer, (invoice, 30.0))},
        {"bId": "2", "operation": "create", "Payment": paying(customer, (invoice, 80.0))},  # only 70 left
    ]}).json()["BatchItemResponse"]
    assert answer[0]["Payment"]["TotalAmt"] == 30.0
    assert answer[1]["Fault"]["Error"][0]["code"] == "6000"
    assert read(qbo, "Invoice", invoice["Id"])["Balance"] == 70.0


def test_a_repeated_requestid_records_the_payment_once(qbo, customer, invoice):
    first = create_payment(qbo, paying(customer, (invoice, 30.0)), requestid="pay-once")
    again = create_payment(qbo, paying(customer, (invoice, 30.0)), requestid="pay-once")
    assert first == again and count(qbo, "Payment") == 1
    assert read(qbo, "Invoice", invoice["Id"])["Balance"] == 70.0


def test_a_quickbooks_user_records_a_payment_and_the_apps_are_told(qbo, sandbox, realm, customer, invoice, recorder):
    sandbox.control("quickbooks-webhook-settings", client_id="sandbox-quickbooks", url=recorder.url(EVENTS_PATH),
                    verifier_token="verifier-token-pasted-in-hubwire")
    partly = sandbox.control("quickbooks-record-payment", realm_id=realm, invoice_id=invoice["Id"], amount="30.50")
    assert partly["Payment"]["TotalAmt"] == 30.5 and partly["delivered"][0]["status"] == 200
    rest = sandbox.control("quickbooks-record-payment", realm_id=realm, invoice_id=invoice["Id"])
    assert rest["Payment"]["TotalAmt"] == 69.5
    assert read(qbo, "Invoice", invoice["Id"])["Balance"] == 0

    [entity] = json.loads(recorder.requests[0].body)["eventNotifications"][0]["dataChangeEvent"]["entities"]
    assert (entity["name"], entity["id"], entity["operation"]) == ("Payment", partly["Payment"]["Id"], "Create")

    def post(**data):
        return httpx.post(f"{sandbox.base_url}/sandbox/_control/quickbooks-record-payment/", json=data, timeout=30)

    assert "nothing left to pay" in post(realm_id=realm, invoice_id=invoice["Id"]).json()["error"]
    fresh = make_invoice(qbo, customer, 10.0)
    for amount in ("ten", "-5", "0"):
        assert post(realm_id=realm, invoice_id=fresh["Id"], amount=amount).status_code == 400
    assert post(realm_id=realm, invoice_id=fresh["Id"], amount="10.01").status_code == 400  # over the balance: 6000
    assert post(realm_id=realm, invoice_id="999").status_code == 400
    assert count(qbo, "Payment") == 2 and len(recorder.requests) == 2
