"""Who may call sandbox QuickBooks and how often (providers.md §2.5): a live Intuit token for the
company (401, 403 otherwise) and the per-realm limits (429 ThrottleExceeded)."""

from tests.conftest import SANDBOX_DB
from tests.sandbox.quickbooks.conftest import api_client, count, fault_of, live_token, make_customer, platform_fault_of

pytestmark = SANDBOX_DB


def test_no_token_or_an_expired_one_is_401(qbo, sandbox, realm):
    with api_client(sandbox, realm, token="never-issued") as stranger:
        error = platform_fault_of(stranger.get(f"/companyinfo/{realm}"), 401)
    assert error["message"] == "message=AuthenticationFailed; errorCode=003200; statusCode=401"
    assert qbo.get(f"/companyinfo/{realm}").status_code == 200
    assert sandbox.control("quickbooks-expire-tokens", realm_id=realm) == {"expired": 1}
    platform_fault_of(qbo.get(f"/companyinfo/{realm}"), 401)


def test_a_token_for_another_company_is_403(qbo, sandbox, realm):
    other_realm = live_token("someone.else@intuit.example", value="qbo-at-other")
    with api_client(sandbox, realm, token="qbo-at-other") as wrong:
        platform_fault_of(wrong.get("/query", params={"query": "select * from Customer"}), 403)
        platform_fault_of(wrong.post("/customer", json={"DisplayName": "Trespasser"}), 403)
    with api_client(sandbox, other_realm, token="qbo-at-other") as right:
        assert right.get("/query", params={"query": "select * from Customer"}).status_code == 200
        assert count(right, "Customer") == 0
    assert count(qbo, "Customer") == 0


def test_a_write_without_a_live_token_or_past_a_limit_writes_nothing(qbo, sandbox, settings, realm):
    with api_client(sandbox, realm, token="never-issued") as stranger:
        platform_fault_of(stranger.post("/customer", json={"DisplayName": "Unauthenticated"}), 401)
    settings.HUBWIRE_SANDBOX_QBO_REQUESTS_PER_MINUTE = 1
    sandbox.control("clock-freeze", frozen=True)
    assert qbo.get(f"/companyinfo/{realm}").status_code == 200
    platform_fault_of(qbo.post("/customer", json={"DisplayName": "Throttled"}), 429)
    sandbox.control("clock", seconds=60)
    assert count(qbo, "Customer") == 0


def test_each_company_keeps_its_own_customers(qbo, sandbox):
    make_customer(qbo, "Mine")
    other_realm = live_token("someone.else@intuit.example", value="qbo-at-other")
    with api_client(sandbox, other_realm, token="qbo-at-other") as other:
        assert other.get("/query", params={"query": "select * from Customer"}).json()["QueryResponse"] == {}
        assert other.post("/customer", json={"DisplayName": "Mine"}).status_code == 200


def test_requests_past_the_minute_limit_are_429_until_the_next_minute(qbo, sandbox, settings, realm):
    settings.HUBWIRE_SANDBOX_QBO_REQUESTS_PER_MINUTE = 3
    sandbox.control("clock-freeze", frozen=True)
    answers = [qbo.get(f"/companyinfo/{realm}").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    error = platform_fault_of(qbo.get(f"/companyinfo/{realm}"), 429)
    assert error["message"] == "message=ThrottleExceeded; errorCode=003001; statusCode=429"
    sandbox.control("clock", seconds=60)
    assert qbo.get(f"/companyinfo/{realm}").status_code == 200


def test_batch_requests_have_their_own_minute_limit(qbo, sandbox, settings, realm):
    settings.HUBWIRE_SANDBOX_QBO_BATCHES_PER_MINUTE = 2
    sandbox.control("clock-freeze", frozen=True)
    body = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Customer"}]}
    assert [qbo.post("/batch", json=body).status_code for _ in range(3)] == [200, 200, 429]
    assert qbo.get(f"/companyinfo/{realm}").status_code == 200  # plain requests still go through


def test_requests_past_the_concurrency_limit_are_429(qbo, sandbox, realm):
    sandbox.control("quickbooks-hold-requests", realm_id=realm, count=10)  # other workers hold ten open
    platform_fault_of(qbo.get(f"/companyinfo/{realm}"), 429)
    sandbox.control("quickbooks-hold-requests", realm_id=realm, count=9)
    assert qbo.get(f"/companyinfo/{realm}").status_code == 200


def test_unknown_paths_and_injected_faults_use_intuits_envelopes(qbo, sandbox, realm):
    error = fault_of(qbo.get("/spaceship/1"), 404)
    assert error["code"] == "404"
    sandbox.control("fault", host="quickbooks.api.intuit.com", status=503)
    assert fault_of(qbo.get(f"/companyinfo/{realm}"), 503)["code"] == "503"
    sandbox.control("fault", host="quickbooks.api.intuit.com", status=429)
    platform_fault_of(qbo.get(f"/companyinfo/{realm}"), 429)


def test_the_sandbox_host_answers_the_same(sandbox, realm):
    import httpx

    response = httpx.get(f"{sandbox.base_url}/sandbox/sandbox-quickbooks.api.intuit.com/v3/company/{realm}/"
                         f"companyinfo/{realm}", headers={"Authorization": "Bearer qbo-at-1"}, timeout=30)
    assert response.status_code == 200 and response.json()["CompanyInfo"]["Id"]
