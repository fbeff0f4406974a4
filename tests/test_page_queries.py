"""No page's query count depends on how many rows it lists (issue 22): every main page of the team
and every portal page is read with a little data, then with several times more of everything (CRM
objects, messages, events, deliveries, the portal account's invoices, projects, contracts), and must
make exactly as many queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubwire.crm.services import documents, people, work
from hubwire.webhooks.services import endpoint_send_test
from tests.conftest import logged_in
from tests.pages import main_pages, portal_pages, showcase
from tests.portal.conftest import LINE, signed_in


def more_of_everything(workspace, things: dict, times: int) -> None:
    kw = {"workspace": workspace, "actor": "test"}
    account, contact = things["portal"]["account"], things["portal"]["contact"]
    for i in range(times):
        other = people.account_create(**kw, name=f"Client {i}")
        people.contact_create(**kw, account=account, first_name=f"Person {i}", email=f"p{i}@client.test")
        people.lead_create(**kw, name=f"Lead {i}")
        work.project_create(**kw, account=account, name=f"Project {i}", status="active")
        work.contract_create(**kw, account=account, title=f"Contract {i}", status="sent", body="Terms.")
        documents.invoice_send(invoice=documents.invoice_create(**kw, account=account, contact=contact, lines=LINE),
                               actor="test")
        for direction in ("inbound", "outbound"):
            work.message_post(**kw, account=account, body=f"Message {i}", direction=direction)
            work.message_post(**kw, account=other, body=f"Message {i}", direction=direction)
        endpoint_send_test(endpoint=things["endpoint"])


def query_counts(client, paths: list[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        client.get(path)  # warm: what a first visit writes once (a session's last seen, an API key's use)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(captured)
    return counts


@pytest.mark.django_db
def test_no_pages_query_count_grows_with_its_rows(owner, workspace):
    things = showcase(workspace, owner)
    team, paths = logged_in(owner), main_pages("", things)
    client = signed_in(workspace, things["client_email"])
    portal = portal_pages("", things)

    more_of_everything(workspace, things, 2)
    few_team, few_portal = query_counts(team, paths), query_counts(client, portal)
    more_of_everything(workspace, things, 12)
    many_team, many_portal = query_counts(team, paths), query_counts(client, portal)

    grew = {path: (few_team[path], many_team[path]) for path in paths if many_team[path] != few_team[path]}
    grew |= {path: (few_portal[path], many_portal[path]) for path in portal if many_portal[path] != few_portal[path]}
    assert not grew, f"queries grew with the rows (few, many): {grew}"
