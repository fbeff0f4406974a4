"""One reader for every provider's list across its pages (integrations/paging.py): Zoom's
next_page_token and Stripe's has_more/starting_after over HTTP against the sandbox; Google's
nextPageToken, Twilio's next_page_uri and QuickBooks' STARTPOSITION/MAXRESULTS with recorded
vendor pages (fixtures/) until their sandboxes exist; and the guards against endless paging."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from hubwire.integrations import paging
from hubwire.integrations.http import ProviderError, provider_client
from hubwire.integrations.paging import CursorPages, QueryPages, TokenPages, UriPages
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.stripe.api import StripeAPI
from hubwire.integrations.tokens import connection_client
from hubwire.integrations.zoom.meetings import MEETING_PAGES
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow

FIXTURES = Path(__file__).parent / "fixtures"
SPECS = Path("/work/shared/specs")
ZOOM, STRIPE = PROVIDERS["zoom"], PROVIDERS["stripe"]
GOOGLE, TWILIO, QUICKBOOKS = PROVIDERS["google_calendar"], PROVIDERS["twilio"], PROVIDERS["quickbooks"]


def fixture(path: str) -> dict:
    return json.loads((FIXTURES / path).read_text())


class RecordedPages:
    """Serves recorded vendor pages by request, and keeps the requests it was sent."""

    def __init__(self, choose):
        self.choose, self.requests = choose, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=self.choose(request))

    def client(self, provider):
        return provider_client(provider, inner=httpx.MockTransport(self))

    def queries(self) -> list[dict]:
        return [{k: v[0] for k, v in parse_qs(r.url.query.decode()).items()} for r in self.requests]


# --- over HTTP against the sandbox ----------------------------------------------------------------

@SANDBOX_DB
def test_zoom_meetings_are_read_across_next_page_tokens(sandbox, owner_client, workspace):
    connection = oauth_flow.connect(owner_client, workspace)
    meetings = ZOOM.url("api", "/v2/users/me/meetings")
    with connection_client(ZOOM, connection) as client:
        created = [client.post(meetings, json={"topic": f"Review {n}", "type": 2}).json()["id"] for n in range(5)]
        read = list(paging.pages(ZOOM, client, meetings, MEETING_PAGES, params={"type": "scheduled", "page_size": 2}))
    assert [len(page.items) for page in read] == [2, 2, 1]
    assert [m["id"] for page in read for m in page.items] == created
    assert [page.body["next_page_token"] for page in read] == ["2", "4", ""]
    assert [c.method for c in sandbox.calls("api.zoom.us", "/v2/users/me/meetings")].count("GET") == 3


@SANDBOX_DB
def test_a_list_longer_than_max_pages_is_an_error_not_a_silent_stop(sandbox, owner_client, workspace):
    connection = oauth_flow.connect(owner_client, workspace)
    meetings = ZOOM.url("api", "/v2/users/me/meetings")
    with connection_client(ZOOM, connection) as client:
        for n in range(3):
            client.post(meetings, json={"topic": f"Review {n}", "type": 2})
        with pytest.raises(ProviderError) as stopped:
            list(paging.each_item(ZOOM, client, meetings, MEETING_PAGES, params={"page_size": 1}, max_pages=2))
    assert "more than 2 pages" in str(stopped.value) and stopped.value.retryable is False
    assert [c.method for c in sandbox.calls("api.zoom.us", "/v2/users/me/meetings")].count("GET") == 2


@SANDBOX_DB
def test_stripe_lists_are_read_after_the_last_id_while_has_more(sandbox):
    with StripeAPI(STRIPE, "test") as api:
        created = [api.post("/v1/checkout/sessions", {
            "mode": "payment", "success_url": "https://northwind.example/paid",
            "line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 1000 + n,
                                                           "product_data": {"name": f"Invoice {n}"}}}],
        })["id"] for n in range(5)]
        style = CursorPages(items="data", has_more="has_more", cursor_param="starting_after")
        read = list(paging.pages(STRIPE, api.client, STRIPE.url("api", "/v1/checkout/sessions"), style,
                                 params={"limit": 2}))
    assert [len(page.items) for page in read] == [2, 2, 1]
    assert [s["id"] for page in read for s in page.items] == created[::-1]  # Stripe lists newest first
    assert [page.body["has_more"] for page in read] == [True, True, False]
    assert [c.method for c in sandbox.calls("api.stripe.com", "/v1/checkout/sessions")].count("GET") == 3


# --- with recorded vendor pages -------------------------------------------------------------------

def test_google_pages_follow_next_page_token_and_keep_the_last_page_s_sync_token():
    recorded = RecordedPages(lambda r: fixture("google_calendar/events_page_2.json" if "pageToken" in r.url.params
                                               else "google_calendar/events_page_1.json"))
    style = TokenPages(items="items", next_token="nextPageToken", token_param="pageToken")
    url = GOOGLE.url("api", "/calendar/v3/calendars/primary/events")
    with recorded.client(GOOGLE) as client:
        read = list(paging.pages(GOOGLE, client, url, style, params={"maxResults": 2, "singleEvents": "true"}))
    assert [e["id"] for page in read for e in page.items] == ["evt0001hubwire", "evt0002hubwire", "evt0003hubwire"]
    assert recorded.queries() == [{"maxResults": "2", "singleEvents": "true"},
                                  {"maxResults": "2", "singleEvents": "true", "pageToken": "CigKGjBwZzVqMmQ"}]
    assert read[-1].body["nextSyncToken"] == "CPDAlvWDx70CEPDAlvWDx70CGAU="


def test_twilio_pages_follow_next_page_uri_on_the_api_host():
    first = fixture("twilio/messages_page_0.json")
    recorded = RecordedPages(lambda r: fixture("twilio/messages_page_1.json" if "PageToken" in r.url.params
                                               else "twilio/messages_page_0.json"))
    style = UriPages(items="messages", next_uri="next_page_uri", base=TWILIO.url("api"))
    account = first["messages"][0]["account_sid"]
    url = TWILIO.url("api", f"/2010-04-01/Accounts/{account}/Messages.json")
    with recorded.client(TWILIO) as client:
        sids = [m["sid"] for m in paging.each_item(TWILIO, client, url, style, params={"PageSize": 2})]
    assert len(sids) == 3
    second = recorded.requests[1].url
    assert str(second) == TWILIO.url("api", first["next_page_uri"])  # the path and query exactly as given
    assert urlsplit(str(second)).netloc == urlsplit(url).netloc


def test_quickbooks_queries_advance_startposition_until_a_short_page():
    recorded = RecordedPages(lambda r: fixture("quickbooks/query_customers_from_3.json"
                                               if "STARTPOSITION 3" in r.url.params["query"]
                                               else "quickbooks/query_customers_from_1.json"))
    style = QueryPages(items="QueryResponse.Customer", statement="SELECT * FROM Customer WHERE Active = true",
                       page_size=2)
    url = QUICKBOOKS.url("api", "/v3/company/9130350/query")
    with recorded.client(QUICKBOOKS) as client:
        names = [c["DisplayName"] for c in paging.each_item(QUICKBOOKS, client, url, style,
                                                            params={"minorversion": "75"})]
    assert names == ["Customer 1", "Customer 2", "Customer 3"]
    assert recorded.queries() == [
        {"minorversion": "75", "query": "SELECT * FROM Customer WHERE Active = true STARTPOSITION 1 MAXRESULTS 2"},
        {"minorversion": "75", "query": "SELECT * FROM Customer WHERE Active = true STARTPOSITION 3 MAXRESULTS 2"},
    ]  # the short second page is the last: no third request


def test_a_provider_naming_the_same_page_again_is_an_error_not_a_loop():
    recorded = RecordedPages(lambda r: {"items": [{"id": "1"}], "nextPageToken": "again"})
    style = TokenPages(items="items", next_token="nextPageToken", token_param="pageToken")
    with recorded.client(GOOGLE) as client, pytest.raises(ProviderError) as stopped:
        list(paging.each_item(GOOGLE, client, GOOGLE.url("api", "/calendar/v3/users/me/calendarList"), style))
    assert "named a page it had already sent" in str(stopped.value)
    assert len(recorded.requests) == 2


def test_a_failed_page_raises_the_provider_s_error_in_words():
    def answer(request):
        return httpx.Response(403, content=(FIXTURES / "google_calendar/error_403_rate_limit_exceeded.json").read_bytes())

    style = TokenPages(items="items", next_token="nextPageToken", token_param="pageToken")
    with provider_client(GOOGLE, inner=httpx.MockTransport(answer)) as client, pytest.raises(ProviderError) as failed:
        list(paging.each_item(GOOGLE, client, GOOGLE.url("api", "/calendar/v3/calendars/primary/events"), style))
    assert failed.value.retryable and failed.value.code == "rateLimitExceeded"


@pytest.mark.skipif(not SPECS.is_dir(), reason="the vendor specifications (/work/shared/specs) are not on this machine")
def test_recorded_pages_use_only_fields_of_the_vendor_schemas():
    calendar = json.loads((SPECS / "calendar.v3.json").read_text())["schemas"]
    for name in ("google_calendar/events_page_1.json", "google_calendar/events_page_2.json"):
        page = fixture(name)
        assert set(page) <= set(calendar["Events"]["properties"]), name
        for event in page["items"]:
            assert set(event) <= set(calendar["Event"]["properties"]), name
    twilio = json.loads((SPECS / "twilio_api_v2010_messages.json").read_text())
    listed = twilio["paths"]["/2010-04-01/Accounts/{AccountSid}/Messages.json"]["get"]["responses"]["200"]
    page_schema = listed["content"]["application/json"]["schema"]["properties"]
    message_schema = twilio["components"]["schemas"]["api.v2010.account.message"]["properties"]
    for name in ("twilio/messages_page_0.json", "twilio/messages_page_1.json"):
        page = fixture(name)
        assert set(page) <= set(page_schema), name
        for message in page["messages"]:
            assert set(message) <= set(message_schema), name
