"""Sandbox QuickBooks' Customer (providers.md §2.3): create, read, sparse and full update guarded by
SyncToken (5010), unique display names (6240), requestid replay, and Faults for bad input."""

import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import count, fault_of, make_customer

pytestmark = SANDBOX_DB


def test_create_read_and_sparse_update_a_customer(qbo):
    created = make_customer(qbo, "ACME Creative Agency", "billing@acme.example",
                            PrimaryPhone={"FreeFormNumber": "(555) 010-0100"},
                            BillAddr={"Line1": "1 Main St", "City": "Springfield", "PostalCode": "01101"})
    assert created["Id"] and created["SyncToken"] == "0" and created["Active"] is True
    assert created["FullyQualifiedName"] == "ACME Creative Agency" and created["Balance"] == 0
    assert created["MetaData"]["CreateTime"] == created["MetaData"]["LastUpdatedTime"]

    read = qbo.get(f"/customer/{created['Id']}")
    assert read.status_code == 200 and read.json()["Customer"] == created and read.json()["time"]

    sparse = qbo.post("/customer", json={"Id": created["Id"], "SyncToken": "0", "sparse": True,
                                         "PrimaryEmailAddr": {"Address": "accounts@acme.example"}})
    assert sparse.status_code == 200, sparse.text
    updated = sparse.json()["Customer"]
    assert updated["SyncToken"] == "1" and updated["PrimaryEmailAddr"] == {"Address": "accounts@acme.example"}
    assert updated["BillAddr"] == created["BillAddr"] and updated["PrimaryPhone"] == created["PrimaryPhone"]


def test_a_full_update_clears_the_writable_fields_left_out(qbo):
    created = make_customer(qbo, "Full Update Co", "a@full.example", CompanyName="Full Update Co")
    full = qbo.post("/customer", json={"Id": created["Id"], "SyncToken": "0", "DisplayName": "Full Update Co"})
    assert full.status_code == 200
    assert "PrimaryEmailAddr" not in full.json()["Customer"] and "CompanyName" not in full.json()["Customer"]


def test_a_stale_sync_token_is_fault_5010_and_changes_nothing(qbo):
    created = make_customer(qbo, "Stale Ltd")
    assert qbo.post("/customer", json={"Id": created["Id"], "SyncToken": "0", "sparse": True,
                                       "Notes": "first"}).status_code == 200
    error = fault_of(qbo.post("/customer", json={"Id": created["Id"], "SyncToken": "0", "sparse": True,
                                                 "Notes": "second"}))
    assert error["code"] == "5010" and error["Message"] == "Stale Object Error"
    assert qbo.get(f"/customer/{created['Id']}").json()["Customer"]["Notes"] == "first"


def test_a_duplicate_display_name_is_fault_6240_whatever_its_case(qbo):
    make_customer(qbo, "Globex")
    response = qbo.post("/customer", json={"DisplayName": "GLOBEX "})
    error = fault_of(response)
    assert error["code"] == "6240" and error["Message"] == "Duplicate Name Exists Error"
    assert error["Detail"].startswith("The name supplied already exists. : Another customer")
    assert response.json()["Fault"]["type"] == "ValidationFault"
    assert count(qbo, "Customer") == 1


def test_renaming_onto_another_customers_name_is_fault_6240(qbo):
    make_customer(qbo, "Initech")
    other = make_customer(qbo, "Initrode")
    error = fault_of(qbo.post("/customer", json={"Id": other["Id"], "SyncToken": "0", "sparse": True,
                                                 "DisplayName": "Initech"}))
    assert error["code"] == "6240"
    assert qbo.get(f"/customer/{other['Id']}").json()["Customer"] == other


def test_an_inactive_customer_is_renamed_and_frees_its_name(qbo):
    old = make_customer(qbo, "Umbrella")
    gone = qbo.post("/customer", json={"Id": old["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert gone.json()["Customer"]["DisplayName"] == "Umbrella (deleted)"
    assert make_customer(qbo, "Umbrella")["Id"] != old["Id"]


def test_the_display_name_defaults_to_the_name_parts(qbo):
    created = qbo.post("/customer", json={"GivenName": "Ada", "FamilyName": "Lovelace"}).json()["Customer"]
    assert created["DisplayName"] == "Ada Lovelace"


def test_the_same_requestid_gets_the_first_answer_and_creates_once(qbo):
    first = qbo.post("/customer", params={"requestid": "6f1c2c1e-1"}, json={"DisplayName": "Once Only"})
    again = qbo.post("/customer", params={"requestid": "6f1c2c1e-1"}, json={"DisplayName": "Once Only"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    listed = qbo.get("/query", params={"query": "select count(*) from Customer where DisplayName = 'Once Only'"})
    assert listed.json()["QueryResponse"]["totalCount"] == 1


def test_a_refused_requestid_may_try_again(qbo):
    refused = qbo.post("/customer", params={"requestid": "r-2"}, json={"GivenName": 5})
    assert fault_of(refused)["code"] == "2010"
    assert qbo.post("/customer", params={"requestid": "r-2"}, json={"GivenName": "Five"}).status_code == 200


def test_reading_a_customer_that_does_not_exist_is_fault_610(qbo):
    error = fault_of(qbo.get("/customer/999999"))
    assert error["code"] == "610" and error["Message"] == "Object Not Found"


def test_updating_a_customer_that_does_not_exist_is_fault_610(qbo):
    assert fault_of(qbo.post("/customer", json={"Id": "424242", "SyncToken": "0", "sparse": True}))["code"] == "610"


@pytest.mark.parametrize("body, code, element", [
    ({}, "2020", "DisplayName"),
    ({"Notes": "no name at all"}, "2020", "DisplayName"),
    ({"DisplayName": 7}, "2010", "DisplayName"),
    ({"DisplayName": "x" * 501}, "2010", "DisplayName"),
    ({"DisplayName": "Typo", "Shoesize": 44}, "2010", "Shoesize"),
    ({"DisplayName": "Bad email", "PrimaryEmailAddr": {"Address": ["a@b.example"]}}, "2010",
     "PrimaryEmailAddr.Address"),
    ({"DisplayName": "Flag", "Active": "yes"}, "2010", "Active"),
    ({"Id": "1", "sparse": True}, "2020", "SyncToken"),
])
def test_bad_customer_bodies_get_a_fault_naming_the_field(qbo, body, code, element):
    error = fault_of(qbo.post("/customer", json=body))
    assert (error["code"], error["element"]) == (code, element)
    assert count(qbo, "Customer") == 0


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b'{"DisplayName": "\\ud800"}',
                                     b"[" * 100_000 + b"]" * 100_000])
def test_a_hostile_body_is_fault_2010_and_creates_nothing(qbo, content):
    error = fault_of(qbo.post("/customer", content=content, headers={"content-type": "application/json"}))
    assert error["code"] == "2010"
    assert qbo.get("/query", params={"query": "select count(*) from Customer"}).json()["QueryResponse"] == {
        "totalCount": 0}


def test_customers_cannot_be_deleted_only_made_inactive(qbo):
    created = make_customer(qbo, "Permanent")
    error = fault_of(qbo.post("/customer", params={"operation": "delete"}, json={"Id": created["Id"],
                                                                                 "SyncToken": "0"}))
    assert error["code"] == "500"
    assert qbo.get(f"/customer/{created['Id']}").json()["Customer"] == created


@pytest.mark.parametrize("operation", ["void", "explode"])
def test_an_operation_customers_do_not_have_is_fault_500_and_changes_nothing(qbo, operation):
    created = make_customer(qbo, "Unmoved")
    error = fault_of(qbo.post("/customer", params={"operation": operation}, json={"Id": created["Id"],
                                                                                  "SyncToken": "0"}))
    assert error["code"] == "500"
    assert qbo.get(f"/customer/{created['Id']}").json()["Customer"] == created
