"""Sandbox QuickBooks' query language and change data capture (providers.md §2.4)."""

from datetime import timedelta

import pytest

from hubwire.sandbox import clock
from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import fault_of, make_customer, query

pytestmark = SANDBOX_DB


def test_find_a_customer_by_email_as_hubwire_will(qbo):
    make_customer(qbo, "Other", "other@example.com")
    wanted = make_customer(qbo, "Wanted", "Billing@Acme.example")
    found = query(qbo, "select * from Customer where PrimaryEmailAddr = 'billing@acme.example' "
                       "STARTPOSITION 1 MAXRESULTS 100")
    assert found["Customer"] == [wanted] and (found["startPosition"], found["maxResults"]) == (1, 1)


def test_no_match_is_an_empty_query_response(qbo):
    assert query(qbo, "select * from Customer where DisplayName = 'Nobody'") == {}


def test_pages_with_startposition_and_maxresults(qbo):
    made = [make_customer(qbo, f"Customer {n:03}")["Id"] for n in range(25)]
    seen, start = [], 1
    while True:
        page = query(qbo, f"SELECT * FROM Customer ORDERBY Id STARTPOSITION {start} MAXRESULTS 10")
        if not page:
            break
        assert page["startPosition"] == start and page["maxResults"] == len(page["Customer"]) <= 10
        seen += [c["Id"] for c in page["Customer"]]
        start += 10
    assert seen == made
    assert query(qbo, "select count(*) from Customer") == {"totalCount": 25}


def test_where_forms_like_in_and_comparison(qbo):
    a = make_customer(qbo, "Alpha Studio", "a@x.example")
    b = make_customer(qbo, "Beta Studio", "b@x.example")
    make_customer(qbo, "Gamma Works", "c@x.example")
    assert [c["Id"] for c in query(qbo, "select * from Customer where DisplayName LIKE '%studio'")["Customer"]] == [
        a["Id"], b["Id"]]
    assert [c["Id"] for c in query(qbo, "select * from Customer where Id IN ('{}', '{}') ORDERBY DisplayName DESC"
                                        .format(a["Id"], b["Id"]))["Customer"]] == [b["Id"], a["Id"]]
    assert [c["Id"] for c in query(qbo, f"select * from Customer where DisplayName LIKE '%Studio' "
                                        f"AND Id > '{a['Id']}'")["Customer"]] == [b["Id"]]
    escaped = make_customer(qbo, "O'Brien & Co")
    assert query(qbo, r"select * from Customer where DisplayName = 'O\'Brien & Co'")["Customer"] == [escaped]


def test_inactive_customers_are_left_out_unless_asked_for(qbo):
    gone = make_customer(qbo, "Gone Co")
    qbo.post("/customer", json={"Id": gone["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert query(qbo, "select * from Customer") == {}
    assert [c["Id"] for c in query(qbo, "select * from Customer where Active = false")["Customer"]] == [gone["Id"]]
    assert len(query(qbo, "select * from Customer where Active IN (true, false)")["Customer"]) == 1


def test_a_query_posted_as_text_and_company_info(qbo, realm):
    make_customer(qbo, "Posted")
    posted = qbo.post("/query", content=b"select * from Customer", headers={"content-type": "application/text"})
    assert posted.status_code == 200 and posted.json()["QueryResponse"]["Customer"][0]["DisplayName"] == "Posted"
    info = query(qbo, "select * from CompanyInfo")["CompanyInfo"][0]
    assert info["CompanyName"].startswith("Sandbox Company")
    assert qbo.get(f"/companyinfo/{realm}").json()["CompanyInfo"]["CompanyName"] == info["CompanyName"]


@pytest.mark.parametrize("text, code", [
    ("select * from Customer where DisplayName = 'a' OR DisplayName = 'b'", "4000"),
    ("select DisplayName from Customer", "4001"),
    ("select * from Customer where Shoesize = '44'", "4001"),
    ("select * from Spaceship", "4000"),
    ("select * from Customer where DisplayName = ", "4000"),
    ("select * from Customer STARTPOSITION 0", "4001"),
    ("select * from Customer MAXRESULTS many", "4000"),
    ("select * from Customer where DisplayName ~ 'a'", "4000"),
    ("", "2020"),
])
def test_a_bad_query_is_a_fault(qbo, text, code):
    assert fault_of(qbo.get("/query", params={"query": text}))["code"] == code


def test_cdc_answers_what_changed_since_including_deletions(qbo, sandbox):
    sandbox.control("clock-freeze", frozen=True)
    before = make_customer(qbo, "Before")
    sandbox.control("clock", seconds=600)  # within the token's hour
    since = clock.now().isoformat()
    after = make_customer(qbo, "After")
    invoice = qbo.post("/invoice", json={"CustomerRef": {"value": after["Id"]}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 5, "SalesItemLineDetail": {}}]}).json()["Invoice"]
    qbo.post("/invoice", params={"operation": "delete"}, json={"Id": invoice["Id"], "SyncToken": "0"})
    response = qbo.get("/cdc", params={"entities": "Customer,Invoice", "changedSince": since})
    assert response.status_code == 200, response.text
    customers, invoices = response.json()["CDCResponse"][0]["QueryResponse"]
    assert [c["Id"] for c in customers["Customer"]] == [after["Id"]] and before["Id"] != after["Id"]
    assert invoices["Invoice"][0]["status"] == "Deleted" and invoices["Invoice"][0]["Id"] == invoice["Id"]
    empty = qbo.get("/cdc", params={"entities": "Invoice", "changedSince": (clock.now() + timedelta(1)).isoformat()})
    assert empty.json()["CDCResponse"][0]["QueryResponse"] == [{}]


@pytest.mark.parametrize("params, code, element", [
    ({"changedSince": "2026-01-01"}, "2020", "entities"),
    ({"entities": "Customer"}, "2020", "changedSince"),
    ({"entities": "Customer", "changedSince": "last tuesday"}, "2010", "changedSince"),
    ({"entities": "Spaceship", "changedSince": "2026-01-01"}, "2170", "entities"),
])
def test_bad_cdc_parameters_are_faults(qbo, params, code, element):
    error = fault_of(qbo.get("/cdc", params=params))
    assert (error["code"], error["element"]) == (code, element)


def test_cdc_looks_back_at_most_30_days(qbo):
    too_old = (clock.now() - timedelta(days=31)).isoformat()
    error = fault_of(qbo.get("/cdc", params={"entities": "Customer", "changedSince": too_old}))
    assert error["element"] == "changedSince" and "30 days" in error["Detail"]
