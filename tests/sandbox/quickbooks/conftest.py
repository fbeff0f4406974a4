"""Sandbox QuickBooks over real HTTP: a company (realm) with a live Intuit access token, a client
for its /v3/company/{realmId} API, and checks of Intuit's error envelopes."""

from datetime import timedelta

import httpx
import jsonschema
import pytest

from hubwire.sandbox import clock
from hubwire.sandbox.models import Token
from hubwire.sandbox.oauth import subject_for
from hubwire.sandbox.servers import INTUIT
from tests.webhooks.receiver import Receiver

API_HOST = "quickbooks.api.intuit.com"
OWNER = "olive.owner@intuit.example"

# Intuit publishes no machine-readable schema for QuickBooks Online (../shared/specs/README.md), so
# these are providers.md §2.5's envelopes written as JSON Schema: the Fault of a refused request…
FAULT = {"type": "object", "required": ["Fault", "time"], "properties": {
    "time": {"type": "string"},
    "Fault": {"type": "object", "required": ["Error", "type"], "properties": {
        "type": {"type": "string"},
        "Error": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["Message", "Detail", "code", "element"],
                  "properties": {"Message": {"type": "string"}, "Detail": {"type": "string"},
                                 "code": {"type": "string", "pattern": "^[0-9]+$"}, "element": {"type": "string"}}}}}}}}
# …and the gateway's lower-case body for 401 / 403 / 429: message=…; errorCode=…; statusCode=…
PLATFORM_FAULT = {"type": "object", "required": ["fault"], "properties": {"fault": {
    "type": "object", "required": ["error", "type"], "properties": {"type": {"type": "string"}, "error": {
        "type": "array", "minItems": 1, "items": {"type": "object", "required": ["message", "detail", "code"],
                                                  "properties": {"message": {"type": "string",
                                                                             "pattern": "^message=\\w+; errorCode=\\d{6}; statusCode=\\d{3}$"}}}}}}}}


def fault_of(response: httpx.Response, status: int = 400) -> dict:
    """The one Error of a Fault answer, after checking the status and the envelope."""
    assert response.status_code == status, response.text
    body = response.json()
    jsonschema.validate(body, FAULT)
    return body["Fault"]["Error"][0]


def platform_fault_of(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    jsonschema.validate(body, PLATFORM_FAULT)
    return body["fault"]["error"][0]


def live_token(email: str = OWNER, value: str = "qbo-at-1", client_id: str = "sandbox-quickbooks") -> str:
    """An Intuit access token for the company of `email`; its realm id."""
    subject = subject_for(INTUIT, email)
    now = clock.now()
    Token.objects.create(server="intuit", client_id=client_id, kind=Token.ACCESS, value=value, family=value,
                         subject=subject, created_at=now, expires_at=now + timedelta(hours=1))
    return subject["realm_id"]


def api_client(sandbox, realm_id: str, token: str = "qbo-at-1") -> httpx.Client:
    return httpx.Client(base_url=f"{sandbox.base_url}/sandbox/{API_HOST}/v3/company/{realm_id}",
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                        params={"minorversion": "75"}, timeout=30)


@pytest.fixture
def realm(sandbox):
    return live_token()


@pytest.fixture
def qbo(sandbox, realm):
    with api_client(sandbox, realm) as client:
        yield client


def make_customer(qbo, name: str, email: str = "", **fields) -> dict:
    body = {"DisplayName": name, **({"PrimaryEmailAddr": {"Address": email}} if email else {}), **fields}
    response = qbo.post("/customer", json=body)
    assert response.status_code == 200, response.text
    return response.json()["Customer"]


def query(qbo, text: str) -> dict:
    response = qbo.get("/query", params={"query": text})
    assert response.status_code == 200, response.text
    return response.json()["QueryResponse"]


def count(qbo, entity: str) -> int:
    """How many (active) objects of this kind the company has: what a refused write must leave."""
    return query(qbo, f"select count(*) from {entity}")["totalCount"]


# Where the app receives Intuit's notifications: a connection's own events URL.
EVENTS_PATH = "/integrations/quickbooks/events/conn-token/"


@pytest.fixture
def recorder():
    """An app's webhook endpoint on a real port: it keeps what it was sent and answers 200."""
    found = Receiver()
    yield found
    found.close()
