"""The company API client against sandbox QuickBooks over HTTP: company info, paged queries, a
batch with one item's Fault beside the others' success, and the Fault of a single write in words."""

import pytest

from hubwire.integrations.http import ProviderError
from hubwire.integrations.quickbooks.api import company_api, fault_of
from tests.conftest import SANDBOX_DB

pytestmark = SANDBOX_DB


def test_company_info_and_a_query_read_page_after_page(quickbooks):
    for n in range(5):
        quickbooks.control("quickbooks-create-customer", DisplayName=f"Customer {n}")
    with company_api(quickbooks.connection) as qbo:
        assert qbo.company_info()["CompanyName"]
        names = [c["DisplayName"] for c in qbo.query("SELECT * FROM Customer", page_size=2)]
    assert sorted(names) == [f"Customer {n}" for n in range(5)]
    pages = quickbooks.sandbox.calls(f"quickbooks.api.intuit.com", f"/v3/company/{quickbooks.realm_id}/query")
    assert len(pages) == 3  # 2 + 2 + 1


def test_a_batch_answers_each_item_and_one_fault_leaves_the_others(quickbooks):
    quickbooks.control("quickbooks-create-customer", DisplayName="Taken Name")
    with company_api(quickbooks.connection) as qbo:
        answers = qbo.batch([{"bId": "1", "operation": "create", "Customer": {"DisplayName": "Fresh Name"}},
                             {"bId": "2", "operation": "create", "Customer": {"DisplayName": "Taken Name"}}],
                            requestid="batch-one")
        assert answers["1"]["Customer"]["DisplayName"] == "Fresh Name"
        problem = fault_of(qbo.provider, answers["2"])
        assert problem.code == "6240" and "already has this name" in str(problem)
        with pytest.raises(ProviderError) as raised:
            qbo.write("Customer", {"DisplayName": "Taken Name"})
    assert raised.value.code == "6240" and not raised.value.retryable
