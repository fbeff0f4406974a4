"""Sandbox QuickBooks' Invoice (providers.md §2.3): create with a CustomerRef and lines, read,
sparse update with SyncToken, void, delete, and the Faults for bad references and numbers."""

import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import count, fault_of, make_customer

pytestmark = SANDBOX_DB


@pytest.fixture
def customer(qbo):
    return make_customer(qbo, "ACME Creative Agency", "billing@acme.example",
                         BillAddr={"Line1": "1 Main St", "City": "Springfield"})


@pytest.fixture
def services(qbo):
    response = qbo.post("/item", json={"Name": "Services", "Type": "Service"})
    assert response.status_code == 200, response.text
    return response.json()["Item"]


def line(amount, item=None, qty=1):
    detail = {"Qty": qty, "UnitPrice": amount / qty, **({"ItemRef": {"value": item["Id"]}} if item else {})}
    return {"DetailType": "SalesItemLineDetail", "Amount": amount, "Description": "Design work",
            "SalesItemLineDetail": detail}


def create_invoice(qbo, customer, *lines, **fields) -> dict:
    response = qbo.post("/invoice", json={"CustomerRef": {"value": customer["Id"]}, "Line": list(lines), **fields})
    assert response.status_code == 200, response.text
    return response.json()["Invoice"]


def test_create_and_read_an_invoice(qbo, customer, services):
    invoice = create_invoice(qbo, customer, line(100.0, services), line(50.5, services, qty=2),
                             TxnDate="2026-11-02", DueDate="2026-12-02", TxnTaxDetail={"TotalTax": 10})
    assert invoice["CustomerRef"] == {"value": customer["Id"], "name": "ACME Creative Agency"}
    assert invoice["TotalAmt"] == invoice["Balance"] == 160.5
    assert invoice["DocNumber"] and invoice["SyncToken"] == "0"
    assert [x["DetailType"] for x in invoice["Line"]] == ["SalesItemLineDetail"] * 2 + ["SubTotalLineDetail"]
    assert invoice["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": services["Id"], "name": "Services"}
    assert invoice["Line"][-1]["Amount"] == 150.5
    assert invoice["BillAddr"] == customer["BillAddr"] and invoice["BillEmail"] == {"Address": "billing@acme.example"}
    assert (invoice["TxnDate"], invoice["DueDate"], invoice["CurrencyRef"]["value"]) == ("2026-11-02", "2026-12-02",
                                                                                          "USD")
    assert qbo.get(f"/invoice/{invoice['Id']}").json()["Invoice"] == invoice


def test_doc_numbers_are_assigned_in_turn_and_a_used_one_is_fault_6140(qbo, customer):
    first = create_invoice(qbo, customer, line(10.0))
    second = create_invoice(qbo, customer, line(10.0))
    assert int(second["DocNumber"]) == int(first["DocNumber"]) + 1
    assert create_invoice(qbo, customer, line(10.0), DocNumber="INV-7")["DocNumber"] == "INV-7"
    error = fault_of(qbo.post("/invoice", json={"CustomerRef": {"value": customer["Id"]}, "Line": [line(5.0)],
                                                "DocNumber": "INV-7"}))
    assert (error["code"], error["element"]) == ("6140", "DocNumber")
    assert count(qbo, "Invoice") == 3


def test_a_sparse_update_recomputes_the_totals_and_moves_the_sync_token(qbo, customer):
    invoice = create_invoice(qbo, customer, line(100.0))
    updated = qbo.post("/invoice", json={"Id": invoice["Id"], "SyncToken": "0", "sparse": True,
                                         "Line": [line(80.0), line(40.0)], "DueDate": "2027-01-15"})
    assert updated.status_code == 200, updated.text
    body = updated.json()["Invoice"]
    assert (body["SyncToken"], body["TotalAmt"], body["DueDate"]) == ("1", 120.0, "2027-01-15")
    assert body["DocNumber"] == invoice["DocNumber"] and body["CustomerRef"] == invoice["CustomerRef"]
    stale = fault_of(qbo.post("/invoice", json={"Id": invoice["Id"], "SyncToken": "0", "sparse": True,
                                                "PrivateNote": "late"}))
    assert stale["code"] == "5010"
    assert qbo.get(f"/invoice/{invoice['Id']}").json()["Invoice"] == body


def test_void_zeroes_the_invoice_and_keeps_it(qbo, customer):
    invoice = create_invoice(qbo, customer, line(100.0))
    voided = qbo.post("/invoice", params={"operation": "void"}, json={"Id": invoice["Id"], "SyncToken": "0"})
    assert voided.status_code == 200, voided.text
    body = voided.json()["Invoice"]
    assert (body["TotalAmt"], body["Balance"], body["PrivateNote"], body["SyncToken"]) == (0, 0, "Voided", "1")
    assert qbo.get(f"/invoice/{invoice['Id']}").json()["Invoice"]["TotalAmt"] == 0


def test_delete_answers_status_deleted_and_the_invoice_is_gone(qbo, customer):
    invoice = create_invoice(qbo, customer, line(100.0))
    stale = qbo.post("/invoice", params={"operation": "delete"}, json={"Id": invoice["Id"], "SyncToken": "9"})
    assert fault_of(stale)["code"] == "5010"
    deleted = qbo.post("/invoice", params={"operation": "delete"}, json={"Id": invoice["Id"], "SyncToken": "0"})
    assert deleted.status_code == 200
    assert deleted.json()["Invoice"] == {"domain": "QBO", "status": "Deleted", "Id": invoice["Id"]}
    assert fault_of(qbo.get(f"/invoice/{invoice['Id']}"))["code"] == "610"


def test_an_unknown_or_inactive_customer_is_fault_2500(qbo, customer):
    error = fault_of(qbo.post("/invoice", json={"CustomerRef": {"value": "987654"}, "Line": [line(1.0)]}))
    assert (error["code"], error["element"]) == ("2500", "CustomerRef")
    qbo.post("/customer", json={"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert fault_of(qbo.post("/invoice", json={"CustomerRef": {"value": customer["Id"]},
                                               "Line": [line(1.0)]}))["code"] == "2500"
    assert count(qbo, "Invoice") == 0


def test_an_unknown_item_is_fault_2500(qbo, customer):
    error = fault_of(qbo.post("/invoice", json={"CustomerRef": {"value": customer["Id"]},
                                                "Line": [line(1.0, {"Id": "31337"})]}))
    assert (error["code"], error["element"]) == ("2500", "Line[0].SalesItemLineDetail.ItemRef")
    assert count(qbo, "Invoice") == 0


@pytest.mark.parametrize("change, code, element", [
    ({"Line": []}, "2020", "Line"),
    ({"Line": None}, "2020", "Line"),
    ({"CustomerRef": None}, "2020", "CustomerRef"),
    ({"CustomerRef": {"name": "no value"}}, "2020", "CustomerRef"),
    ({"Line": [{"DetailType": "Bogus", "Amount": 1}]}, "2170", "Line[0].DetailType"),
    ({"Line": [{"DetailType": "SalesItemLineDetail", "Amount": "ten", "SalesItemLineDetail": {}}]}, "2020",
     "Line[0].Amount"),
    ({"Line": [{"DetailType": "SalesItemLineDetail", "Amount": 1, "SalesItemLineDetail": {"Qty": "1"}}]}, "2010",
     "Line[0].SalesItemLineDetail.Qty"),
    ({"TxnDate": "2026-02-30"}, "2010", "TxnDate"),
    ({"DocNumber": "N" * 22}, "2010", "DocNumber"),
    ({"TxnTaxDetail": {"TotalTax": "lots"}}, "2010", "TxnTaxDetail.TotalTax"),
])
def test_bad_invoice_bodies_get_a_fault_naming_the_field(qbo, customer, change, code, element):
    body = {"CustomerRef": {"value": customer["Id"]}, "Line": [line(10.0)], **change}
    error = fault_of(qbo.post("/invoice", json=body))
    assert (error["code"], error["element"]) == (code, element)
    assert count(qbo, "Invoice") == 0


def test_an_item_needs_a_name_and_a_known_type(qbo):
    assert fault_of(qbo.post("/item", json={"Type": "Service"}))["element"] == "Name"
    assert fault_of(qbo.post("/item", json={"Name": "Gadget", "Type": "Widget"}))["code"] == "2170"
    assert count(qbo, "Item") == 0
