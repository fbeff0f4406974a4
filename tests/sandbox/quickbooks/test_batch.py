"""Sandbox QuickBooks' batch endpoint (providers.md §2.4): up to 30 operations a request, each on its
own (a Fault in one leaves the others), queries among them, and requestid replay of the whole."""

from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import count, fault_of, make_customer, query

pytestmark = SANDBOX_DB


def test_a_batch_answers_each_item_by_bid(qbo):
    existing = make_customer(qbo, "Existing")
    invoice = qbo.post("/invoice", json={"CustomerRef": {"value": existing["Id"]}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 5, "SalesItemLineDetail": {}}]}).json()["Invoice"]
    response = qbo.post("/batch", json={"BatchItemRequest": [
        {"bId": "1", "operation": "create", "Customer": {"DisplayName": "New One"}},
        {"bId": "2", "operation": "create", "Customer": {"DisplayName": "Existing"}},
        {"bId": "3", "Query": "select * from Customer where DisplayName = 'Existing'"},
        {"bId": "4", "operation": "update", "optionsData": "void", "Invoice": {"Id": invoice["Id"], "SyncToken": "0"}},
    ]})
    assert response.status_code == 200, response.text
    answers = {a["bId"]: a for a in response.json()["BatchItemResponse"]}
    assert answers["1"]["Customer"]["DisplayName"] == "New One"
    assert answers["2"]["Fault"]["Error"][0]["code"] == "6240"
    assert answers["3"]["QueryResponse"]["Customer"][0]["Id"] == existing["Id"]
    assert answers["4"]["Invoice"]["PrivateNote"] == "Voided"
    assert query(qbo, "select count(*) from Customer") == {"totalCount": 2}


def test_a_batch_with_a_requestid_runs_once(qbo):
    body = {"BatchItemRequest": [{"bId": f"{n}", "Customer": {"DisplayName": f"Batch {n}"}} for n in range(3)]}
    first = qbo.post("/batch", params={"requestid": "batch-1"}, json=body)
    again = qbo.post("/batch", params={"requestid": "batch-1"}, json=body)
    assert first.json() == again.json()
    assert query(qbo, "select count(*) from Customer") == {"totalCount": 3}


def test_more_than_30_operations_or_none_is_a_fault(qbo, settings):
    items = [{"bId": str(n), "Customer": {"DisplayName": f"Many {n}"}} for n in range(31)]
    assert fault_of(qbo.post("/batch", json={"BatchItemRequest": items}))["element"] == "BatchItemRequest"
    assert fault_of(qbo.post("/batch", json={"BatchItemRequest": []}))["code"] == "2020"
    assert query(qbo, "select count(*) from Customer") == {"totalCount": 0}


def test_an_item_without_bid_or_entity_is_a_fault_of_its_own(qbo):
    response = qbo.post("/batch", json={"BatchItemRequest": [
        {"operation": "create", "Customer": {"DisplayName": "No bId"}},
        {"bId": "2", "operation": "create"},
        {"bId": "3", "Customer": {"DisplayName": "Fine"}},
    ]})
    answers = response.json()["BatchItemResponse"]
    assert [("Fault" in a) for a in answers] == [True, True, False]
    assert [c["DisplayName"] for c in query(qbo, "select * from Customer")["Customer"]] == ["Fine"]


def test_a_body_that_is_not_a_batch_is_a_fault_and_runs_nothing(qbo):
    assert fault_of(qbo.post("/batch", content=b"not json", headers={"content-type": "application/json"}))[
        "code"] == "2010"
    assert fault_of(qbo.post("/batch", json={"BatchItemRequest": {"bId": "1", "Customer": {
        "DisplayName": "Not a list"}}}))["code"] == "2020"
    assert count(qbo, "Customer") == 0
