"""The sandbox Stripe API over HTTP (providers.md §1.2, §1.7): secret-key auth, Stripe-Account
access, the error envelope and status codes, Idempotency-Key replay and mismatch, the test-mode
rate limit, and object shapes checked against Stripe's own fixtures."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.stripe_schemas import problems

pytestmark = SANDBOX_DB
FIELDS = json.loads((Path(__file__).parent / "stripe_fixture_fields.json").read_text())
TEST_KEY, LIVE_KEY = "sk_test_sandbox_hubwire", "sk_live_sandbox_hubwire"


class Api:
    def __init__(self, base: str, key: str = TEST_KEY):
        self.base, self.key = f"{base}/sandbox/api.stripe.com", key

    def request(self, method: str, path: str, data=None, *, account: str = "", key: str | None = None,
                idempotency_key: str = "") -> httpx.Response:
        key = self.key if key is None else key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if account:
            headers["Stripe-Account"] = account
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        response = httpx.request(method, self.base + path, data=data, headers=headers, timeout=10)
        assert problems(response.json()) == [], f"{method} {path} answered {response.text}"
        return response

    def account(self) -> str:
        response = self.request("POST", "/v1/accounts", {"controller[stripe_dashboard][type]": "full",
                                                          "business_profile[name]": "Shape Co"})
        assert response.status_code == 200, response.text
        return response.json()["id"]


SESSION = {"mode": "payment", "success_url": "https://example.test/ok?session_id={CHECKOUT_SESSION_ID}",
           "line_items[0][quantity]": "2", "line_items[0][price_data][currency]": "usd",
           "line_items[0][price_data][unit_amount]": "1500", "line_items[0][price_data][product_data][name]": "Work",
           "payment_intent_data[application_fee_amount]": "100", "client_reference_id": "invoice-7",
           "metadata[invoice_id]": "7"}


@pytest.fixture
def api(sandbox):
    yield Api(sandbox.base_url)
    from hubwire.sandbox.models import StripeObject

    for event in StripeObject.objects.filter(kind="event"):
        assert problems(event.body) == [], event.body


def test_every_object_the_sandbox_sends_matches_stripes_schema(api, sandbox):
    """Each object of each flow, answered or sent as an event, against Stripe's OpenAPI schemas
    (the `api` fixture checks every answer and, at the end, every event)."""
    account = api.account()
    api.request("POST", "/v1/account_links", {"account": account, "type": "account_onboarding",
                                              "refresh_url": "https://x.test/r", "return_url": "https://x.test/b"})
    sandbox.control("stripe-disable", account=account, reason="rejected.fraud")
    paid, declined, debited, unpaid, expired = (
        api.request("POST", "/v1/checkout/sessions", SESSION, account=account).json() for _ in range(5))
    page = f"{sandbox.base_url}/sandbox/checkout.stripe.com/c/pay/"
    assert httpx.post(page + paid["id"], data={"method": "card", "card": "4242 4242 4242 4242"}).status_code == 302
    assert httpx.post(page + declined["id"], data={"method": "card", "card": "4000 0000 0000 0002"}).status_code == 402
    for session, outcome in ((debited, "succeeded"), (unpaid, "failed")):
        assert httpx.post(page + session["id"], data={"method": "us_bank_account"}).status_code == 302
        processing = api.request("GET", f"/v1/checkout/sessions/{session['id']}", account=account).json()
        api.request("GET", f"/v1/payment_intents/{processing['payment_intent']}", account=account)
        sandbox.control("stripe-settle", session=session["id"], outcome=outcome)
    api.request("POST", f"/v1/checkout/sessions/{expired['id']}/expire", account=account)
    for card in ("pm_card_visa", "pm_card_chargeDeclined"):
        api.request("POST", "/v1/payment_intents", {"amount": "2000", "currency": "usd", "payment_method": card,
                                                    "confirm": "true"}, account=account)
    sandbox.control("stripe-deauthorize", account=account)
    from hubwire.sandbox.models import StripeObject

    sent = set(StripeObject.objects.filter(kind="event").values_list("body__type", flat=True))
    assert {"account.updated", "charge.succeeded", "checkout.session.completed", "checkout.session.expired",
            "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed",
            "payment_intent.processing", "payment_intent.payment_failed", "payment_intent.succeeded",
            "account.application.deauthorized"} <= sent


def test_objects_use_stripes_field_names(api):
    account = api.account()
    body = api.request("GET", f"/v1/accounts/{account}").json()
    assert set(body) <= set(FIELDS["account"]) and {"charges_enabled", "requirements", "business_profile"} <= set(body)
    link = api.request("POST", "/v1/account_links", {"account": account, "type": "account_onboarding",
                                                     "refresh_url": "https://x.test/r", "return_url": "https://x.test/b"})
    assert set(link.json()) == set(FIELDS["account_link"])
    assert link.json()["expires_at"] - link.json()["created"] == 300
    session = api.request("POST", "/v1/checkout/sessions", SESSION, account=account).json()
    assert set(session) <= set(FIELDS["checkout.session"])
    assert session["id"].startswith("cs_test_") and session["amount_total"] == 3000 and session["livemode"] is False
    assert session["metadata"] == {"invoice_id": "7"} and session["status"] == "open"
    intent = api.request("POST", "/v1/payment_intents", {"amount": "2000", "currency": "usd",
                                                         "automatic_payment_methods[enabled]": "true",
                                                         "application_fee_amount": "50"}, account=account).json()
    assert set(intent) <= set(FIELDS["payment_intent"]) and intent["status"] == "requires_payment_method"
    assert api.request("GET", f"/v1/payment_intents/{intent['id']}", account=account).json()["id"] == intent["id"]


def test_confirming_a_payment_intent_with_test_payment_methods(api):
    account = api.account()
    create = {"amount": "2000", "currency": "usd", "payment_method": "pm_card_visa", "confirm": "true"}
    assert api.request("POST", "/v1/payment_intents", create, account=account).json()["status"] == "succeeded"
    declined = api.request("POST", "/v1/payment_intents", {**create, "payment_method": "pm_card_chargeDeclined"},
                           account=account)
    error = declined.json()["error"]
    assert declined.status_code == 402 and error["type"] == "card_error" and error["decline_code"] == "generic_decline"
    assert error["payment_intent"]["status"] == "requires_payment_method"


@pytest.mark.parametrize("data, param", [
    ({}, "line_items"),
    ({**SESSION, "mode": ""}, "mode"),
    ({k: v for k, v in SESSION.items() if k != "success_url"}, "success_url"),
    ({**SESSION, "line_items[0][price_data][unit_amount]": "ten"}, "unit_amount"),
    ({**SESSION, "payment_intent_data[application_fee_amount]": "999999"},
     "payment_intent_data[application_fee_amount]"),
])
def test_bad_parameters_get_stripes_error_envelope_naming_the_param(api, data, param):
    account = api.account()
    response = api.request("POST", "/v1/checkout/sessions", {"mode": "payment", **data} if data else {"mode": "payment",
                           "success_url": "https://x.test"}, account=account)
    error = response.json()["error"]
    assert response.status_code == 400 and error["type"] == "invalid_request_error"
    assert param in error["param"] and error["message"]
    assert response.headers["Request-Id"].startswith("req_")


def test_authentication_and_access_errors(api):
    account = api.account()
    assert api.request("GET", f"/v1/accounts/{account}", key="").status_code == 401
    wrong = api.request("GET", f"/v1/accounts/{account}", key="sk_test_nobody")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "api_key_invalid"
    # the live key has no access to an account the platform created in test mode
    denied = api.request("GET", f"/v1/accounts/{account}", key=LIVE_KEY)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "account_invalid"
    other_platform = api.request("POST", "/v1/checkout/sessions", SESSION, account=account, key="sk_test_sandbox_other")
    assert other_platform.status_code == 403
    missing = api.request("GET", "/v1/checkout/sessions/cs_test_nope", account=account)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "resource_missing"


def test_the_same_idempotency_key_and_parameters_replay_the_first_answer(api, sandbox):
    from hubwire.sandbox.models import StripeObject

    account = api.account()
    first = api.request("POST", "/v1/checkout/sessions", SESSION, account=account, idempotency_key="k-1")
    again = api.request("POST", "/v1/checkout/sessions", SESSION, account=account, idempotency_key="k-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert StripeObject.objects.filter(kind="checkout.session").count() == 1
    different = api.request("POST", "/v1/checkout/sessions", {**SESSION, "client_reference_id": "invoice-8"},
                            account=account, idempotency_key="k-1")
    assert different.status_code == 400 and different.json()["error"]["type"] == "idempotency_error"
    # a request that failed validation is not saved: the key can be used again
    bad = api.request("POST", "/v1/checkout/sessions", {"mode": "payment"}, account=account, idempotency_key="k-2")
    assert bad.status_code == 400
    assert api.request("POST", "/v1/checkout/sessions", SESSION, account=account, idempotency_key="k-2").status_code == 200
    # keys belong to one API key: another platform's same key is its own
    assert api.request("POST", "/v1/accounts", {"controller[fees][payer]": "account"}, key="sk_test_sandbox_other",
                       idempotency_key="k-1").status_code == 200


def test_requests_beyond_the_per_second_limit_get_429(api, sandbox, settings):
    # docs.stripe.com/rate-limits: 25/s in test mode, 100/s live; counted in seconds of the sandbox
    # clock, which stands still here, so every request falls in the same second however slow the machine.
    assert (settings.HUBWIRE_SANDBOX_STRIPE_TEST_RATE, settings.HUBWIRE_SANDBOX_STRIPE_LIVE_RATE) == (25, 100)
    account = api.account()
    sandbox.control("clock", seconds=1)
    sandbox.control("clock-freeze", frozen=True)
    answers = [api.request("GET", f"/v1/accounts/{account}") for _ in range(26)]
    assert [a.status_code for a in answers] == [200] * 25 + [429]
    assert answers[25].json()["error"]["code"] == "rate_limit"
    # live mode is counted apart from test mode
    live = Api(sandbox.base_url, LIVE_KEY)
    assert live.request("POST", "/v1/accounts", {"controller[fees][payer]": "account"}).status_code == 200
    sandbox.control("clock", seconds=1)
    assert api.request("GET", f"/v1/accounts/{account}").status_code == 200


@pytest.fixture
def second_sandbox_process(sandbox):
    """Another process serving the same sandbox database (as gunicorn's second worker does)."""
    from django.db import connections

    from tests.conftest import database_url_for_subprocess, wait_until

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HUBWIRE_SANDBOX": "1", "DATABASE_URL": database_url_for_subprocess(),
           "HUBWIRE_SANDBOX_DATABASE_URL": f"sqlite:///{connections['sandbox'].settings_dict['NAME']}",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "hubwire.wsgi", "--workers", "1", "--bind",
                             f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def answering():
        try:
            return httpx.get(f"{base}/sandbox/api.stripe.com/v1/account", timeout=5).status_code == 401
        except httpx.TransportError:
            return False

    try:
        wait_until(answering, timeout=120, message="the second sandbox process")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_rate_limit_is_one_count_across_processes(api, sandbox, second_sandbox_process):
    account = api.account()
    sandbox.control("clock", seconds=1)
    sandbox.control("clock-freeze", frozen=True)
    other = Api(second_sandbox_process)
    answers = [(api if i % 2 else other).request("GET", f"/v1/accounts/{account}") for i in range(26)]
    assert [a.status_code for a in answers] == [200] * 25 + [429]


def test_oauth_token_errors(sandbox):
    base = f"{sandbox.base_url}/sandbox/connect.stripe.com/oauth/token"
    no_key = httpx.post(base, data={"grant_type": "authorization_code", "code": "ac_x"}, timeout=10)
    assert no_key.status_code == 401 and no_key.json()["error"] == "invalid_client"
    bad_code = httpx.post(base, data={"grant_type": "authorization_code", "code": "ac_x", "client_secret": TEST_KEY},
                          timeout=10)
    assert bad_code.status_code == 400 and bad_code.json()["error"] == "invalid_grant"
