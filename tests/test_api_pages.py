"""The API's lists page by cursor (core/api_pages.py): following `next` walks every row once, in the
list's order, ties included; `offset` still works, bounded; `count` is bounded; a cursor that is not
one the API gave, or belongs to another list, is a 422 naming `cursor`; and no list's query count
depends on how many rows it holds."""

from datetime import datetime, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubwire.core import api_pages, query
from hubwire.crm.models import Lead
from hubwire.crm.services import work
from hubwire.events.models import Event
from hubwire.webhooks.fanout import fan_out_pending
from hubwire.webhooks.models import Delivery
from hubwire.webhooks.services import endpoint_create, endpoint_send_test
from tests.factories import crm_objects

LISTS = ["/api/accounts", "/api/contacts", "/api/leads", "/api/quotes", "/api/invoices", "/api/appointments",
         "/api/projects", "/api/contracts", "/api/messages", "/api/events", "/api/webhooks/deliveries"]


def fill(workspace, times: int) -> None:
    """`times` of every CRM object (and their events), a message and a webhook delivery each."""
    endpoint = endpoint_create(workspace=workspace, url="https://hooks.example.com/in")
    for _ in range(times):
        objects = crm_objects(workspace)
        work.message_post(workspace=workspace, actor="test", account=objects["accounts"], body="Hello")
        endpoint_send_test(endpoint=endpoint)
    fan_out_pending()


def walk(api, url: str, limit: int) -> list:
    """Every item of the list, following `next` from the first page."""
    seen, cursor = [], None
    for _ in range(1000):
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(f"{url}{'&' if '?' in url else '?'}{query}").json()
        seen += body["items"]
        cursor = body["next"]
        if cursor is None:
            return seen
    raise AssertionError("next never ended")


@pytest.mark.parametrize("url", LISTS)
def test_following_next_gives_every_row_once_in_the_lists_order(api, workspace, url):
    fill(workspace, 4)
    whole = api.get(f"{url}?limit=200").json()
    assert whole["next"] is None and whole["count"] == len(whole["items"]) >= 4 and whole["count_is_exact"]
    assert walk(api, url, 3) == whole["items"]
    by_offset = api.get(f"{url}?limit=3&offset=3").json()["items"]
    assert by_offset == whole["items"][3:6]  # offset, as before


def test_rows_with_the_same_instant_are_neither_lost_nor_repeated(api, workspace):
    for i in range(7):
        Lead.objects.create(workspace=workspace, name=f"Lead {i}")
    Lead.objects.filter(workspace=workspace).update(created_at=datetime(2030, 1, 1, tzinfo=timezone.utc))
    ids = [item["id"] for item in walk(api, "/api/leads", 2)]
    assert sorted(ids) == sorted(Lead.objects.filter(workspace=workspace).values_list("pk", flat=True))
    assert ids == sorted(ids, reverse=True)  # newest first, then the highest id first


def test_a_filtered_list_pages_by_cursor_within_the_filter(api, workspace):
    fill(workspace, 3)
    leads = walk(api, "/api/events?type=lead.created", 1)
    assert [e["type"] for e in leads] == ["lead.created"] * 3


@pytest.mark.parametrize("cursor, words", [
    ("not-a-cursor", "Not a cursor this API gave"),
    ("", None),  # an empty cursor is no cursor: the first page
])
def test_a_cursor_the_api_did_not_give_is_a_422_naming_it(api, workspace, cursor, words):
    fill(workspace, 1)
    response = api.get(f"/api/leads?cursor={cursor}")
    if words is None:
        assert response.status_code == 200
        return
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "cursor"] and words in response.json()["detail"][0]["msg"]


def test_a_cursor_of_another_list_or_with_an_offset_is_refused(api, workspace):
    fill(workspace, 3)
    cursor = api.get("/api/leads?limit=1").json()["next"]
    other = api.get(f"/api/accounts?cursor={cursor}")
    assert other.status_code == 422 and "another list" in other.json()["detail"][0]["msg"]
    both = api.get(f"/api/leads?cursor={cursor}&offset=2")
    assert both.status_code == 422 and "not both" in both.json()["detail"][0]["msg"]
    assert api.get(f"/api/leads?offset={api_pages.MAX_OFFSET + 1}").status_code == 422


def test_a_tampered_cursor_is_refused(api, workspace):
    fill(workspace, 3)
    cursor = api.get("/api/leads?limit=1").json()["next"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert api.get(f"/api/leads?cursor={tampered}").status_code == 422


def test_the_count_stops_at_the_cap_and_says_so(api, workspace, monkeypatch):
    fill(workspace, 4)
    monkeypatch.setattr(query, "COUNT_CAP", 3)
    body = api.get("/api/leads?limit=2").json()
    assert (body["count"], body["count_is_exact"], len(body["items"])) == (3, False, 2)


@pytest.mark.parametrize("url", LISTS)
def test_no_lists_query_count_grows_with_its_rows(api, workspace, url):
    def queries_for_a_page() -> int:
        api.get(f"{url}?limit=50")  # warm: the key's last_used_at is written at most once a minute
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"{url}?limit=50").status_code == 200
        return len(captured)

    fill(workspace, 2)
    few = queries_for_a_page()
    fill(workspace, 12)
    assert Event.objects.filter(workspace=workspace).count() > 50 and Delivery.objects.count() > 50
    assert queries_for_a_page() == few
