"""The QuickBooks Online Accounting API of one connected company (providers.md §2.2–2.5).

    with company_api(connection) as qbo:
        for customer in qbo.query("SELECT * FROM Customer WHERE Active = true"):
            ...
        answers = qbo.batch([{"bId": "7", "operation": "create", "Customer": {...}}], requestid=marker)

Every call goes through the framework's client (integrations/http.py: timeouts, retries of 429 and
safe 5xx, the shared rate-limit bucket of the company) and answers in JSON. Intuit's limits are
settings, so that a benchmark can scale them with the sandbox's:
HUBWIRE_QUICKBOOKS_REQUESTS_PER_MINUTE (500), HUBWIRE_QUICKBOOKS_BATCHES_PER_MINUTE (40) and
HUBWIRE_QUICKBOOKS_BATCH_SIZE (30 operations a batch)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.conf import settings

from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.paging import QueryPages, each_item
from hubwire.integrations.ratelimit import acquire
from hubwire.integrations.tokens import connection_client

# Intuit's documented ceilings [DOC blogs.intuit.com 2016/08/08 and 2023/07/19]; settings may lower them.
LIMITS = {"REQUESTS_PER_MINUTE": 500, "BATCHES_PER_MINUTE": 40, "BATCH_SIZE": 30, "CONCURRENT_REQUESTS": 10}
QUERY_PAGE_SIZE = 1000  # the most one query page holds [U, providers.md §2.4]
MINOR_VERSION = "75"    # the default from 1 Aug 2025; older ones are ignored [DOC]
# How long a pass waits for the batch bucket before it gives the worker back (RetryLater).
MAX_BATCH_WAIT_SECONDS = 90.0


def limit(name: str) -> int:
    return int(getattr(settings, f"HUBWIRE_QUICKBOOKS_{name}", LIMITS[name]))


def per_second(per_minute: int, burst: int) -> float:
    """A token bucket's rate that never lets more than `per_minute` through in any one minute, bursts
    included (the sandbox, like Intuit, counts calendar minutes)."""
    return max(per_minute - burst, 1) / 60


def quoted(text: str) -> str:
    """A text value in QuickBooks' query language: in single quotes, a backslash and a quote escaped
    with a backslash (Intuit's data-queries page: 'Amy\\'s Bird Sanctuary')."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Fault(ProviderError):
    """A Fault in a 200 answer or in one batch item (Intuit: "a 200 response may still contain a Fault")."""


def fault_of(provider, answer: dict) -> ProviderError | None:
    """The Fault of a batch item or a 200 answer as a ProviderError in words, or None."""
    fault = answer.get("Fault")
    if not isinstance(fault, dict):
        return None
    import httpx

    problem = provider.explain_error(httpx.Response(400, json={"Fault": fault}))
    return Fault(f"QuickBooks refused: {problem.message}", status=400, code=problem.code, retryable=problem.retryable)


class CompanyApi:
    def __init__(self, provider, connection, client):
        self.provider, self.connection, self.client = provider, connection, client
        self.realm_id = connection.external_account_id

    def url(self, path: str) -> str:
        return self.provider.url("api", f"/v3/company/{self.realm_id}{path}")

    def _json(self, response) -> dict:
        body = raise_for_status(self.provider, response).json()
        problem = fault_of(self.provider, body) if isinstance(body, dict) else None
        if problem is not None:
            raise problem
        return body

    def get(self, path: str, **params) -> dict:
        return self._json(self.client.get(self.url(path), params={"minorversion": MINOR_VERSION, **params}))

    def post(self, path: str, body: dict, **params) -> dict:
        return self._json(self.client.post(self.url(path), json=body,
                                           params={"minorversion": MINOR_VERSION, **params}))

    # --- reads ---------------------------------------------------------------------------------

    def company_info(self) -> dict:
        return self.get(f"/companyinfo/{self.realm_id}")["CompanyInfo"]

    def read(self, entity: str, entity_id: str) -> dict:
        return self.get(f"/{entity.lower()}/{entity_id}")[entity]

    def query(self, statement: str, *, entity: str | None = None, page_size: int = QUERY_PAGE_SIZE) -> Iterator[dict]:
        """Every object a query finds, page after page (STARTPOSITION/MAXRESULTS are added here)."""
        entity = entity or statement.split(" FROM ", 1)[1].split()[0]
        style = QueryPages(items=f"QueryResponse.{entity}", statement=statement, page_size=page_size)
        yield from each_item(self.provider, self.client, self.url("/query"), style,
                             params={"minorversion": MINOR_VERSION})

    def changes(self, entities: tuple[str, ...], since: datetime) -> dict[str, list[dict]]:
        """Change data capture: each entity's objects changed since `since` (at most 30 days back, 1,000
        objects an answer); deleted ones come as {"Id", "status": "Deleted"}."""
        body = self.get("/cdc", entities=",".join(entities), changedSince=since.isoformat(timespec="seconds"))
        found: dict[str, list[dict]] = {name: [] for name in entities}
        for response in body.get("CDCResponse", []):
            for query_response in response.get("QueryResponse", []):
                for name in entities:
                    found[name].extend(query_response.get(name, []) or [])
        return found

    # --- writes --------------------------------------------------------------------------------

    def write(self, entity: str, body: dict, *, requestid: str = "", operation: str = "") -> dict:
        """Create (no Id) or update (Id + SyncToken; "sparse": true sends only what changed)."""
        params = {k: v for k, v in (("requestid", requestid), ("operation", operation)) if v}
        return self.post(f"/{entity.lower()}", body, **params)[entity]

    def batch(self, items: list[dict[str, Any]], *, requestid: str) -> dict[str, dict]:
        """One batch request of at most BATCH_SIZE operations (each with its own "bId"), within the
        company's batch limit shared by every worker; the answers by bId. A batch item's Fault is
        its own (read it with fault_of); the others still happened."""
        if len(items) > limit("BATCH_SIZE"):
            raise ValueError(f"a QuickBooks batch holds at most {limit('BATCH_SIZE')} operations")
        per_minute = limit("BATCHES_PER_MINUTE")
        acquire(f"quickbooks-batch:{self.realm_id}", per_second(per_minute, 1), 1, max_wait=MAX_BATCH_WAIT_SECONDS)
        body = self.post("/batch", {"BatchItemRequest": items}, requestid=requestid)
        return {str(answer.get("bId")): answer for answer in body.get("BatchItemResponse", [])}


@contextmanager
def company_api(connection) -> Iterator[CompanyApi]:
    from hubwire.integrations.registry import PROVIDERS

    provider = PROVIDERS["quickbooks"]
    with connection_client(provider, connection) as client:
        client.headers["Accept"] = "application/json"
        yield CompanyApi(provider, connection, client)
