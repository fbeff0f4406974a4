"""Every list a person sees is paged, with its figures from bounded or kept counts (issue 22): the
Messages page, a conversation, an account's page, the Client Portal tab, the portal's own lists;
the counts an account keeps for its conversation stay right as messages come and are read."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubwire.core import query
from hubwire.crm.models import Account
from hubwire.crm.services import documents, people, work
from tests.conftest import logged_in
from tests.portal.conftest import LINE, account_with_things, signed_in

pytestmark = pytest.mark.django_db
KW = {"actor": "test"}


def rows(response, testid: str) -> int:
    return response.content.decode().count(f'data-testid="{testid}"')


def test_an_account_keeps_its_conversations_counts_as_messages_come_and_are_read(owner, workspace):
    acme = people.account_create(workspace=workspace, name="ACME", **KW)
    work.message_post(workspace=workspace, account=acme, body="Hi", direction="inbound", **KW)
    work.message_post(workspace=workspace, account=acme, body="Again", direction="inbound", **KW)
    last = work.message_post(workspace=workspace, account=acme, body="Hello", **KW)
    acme.refresh_from_db()
    assert (acme.message_count, acme.unread_messages, acme.last_message_at) == (3, 2, last.created_at)

    logged_in(owner).get(f"/messages/{acme.pk}/")  # the team reads it
    acme.refresh_from_db()
    assert (acme.message_count, acme.unread_messages) == (3, 0)


def test_the_messages_page_lists_conversations_a_page_at_a_time_unread_first(owner, workspace):
    for i in range(55):
        account = people.account_create(workspace=workspace, name=f"Client {i:02d}", **KW)
        work.message_post(workspace=workspace, account=account, body="x", direction="inbound" if i == 3 else "outbound",
                          **KW)
    people.account_create(workspace=workspace, name="Quiet Co", **KW)  # no conversation: not listed
    client = logged_in(owner)
    first = client.get("/messages/")
    page = first.content.decode()
    assert rows(first, "conversation-row") == query.PAGE_SIZE and "Page 1 of 2" in page
    assert page.index("Client 03") < page.index("Client 54") < page.index("Client 10")  # unread, then newest
    second = client.get("/messages/?page=2").content.decode()
    assert second.count('data-testid="conversation-row"') == 5 and "Client 00" in second and "Quiet Co" not in second


def test_a_long_conversation_shows_its_newest_page_and_offers_the_older(owner, workspace):
    acme = people.account_create(workspace=workspace, name="ACME", **KW)
    for i in range(60):
        work.message_post(workspace=workspace, account=acme, body=f"Message number {i}", direction="inbound", **KW)
    client = logged_in(owner)
    older = client.get(f"/messages/{acme.pk}/?page=2")  # reading old pages marks nothing read
    assert rows(older, "message") == 10 and "Message number 0<" in older.content.decode()
    assert Account.objects.get(pk=acme.pk).unread_messages == 60
    newest = client.get(f"/messages/{acme.pk}/")
    text = newest.content.decode()
    assert rows(newest, "message") == 50 and 'data-testid="older-messages"' in text
    assert text.index("Message number 10<") < text.index("Message number 59<")  # oldest first on the page
    assert Account.objects.get(pk=acme.pk).unread_messages == 0


def test_an_accounts_page_shows_the_first_of_each_list_and_links_to_all(owner, workspace):
    acme = people.account_create(workspace=workspace, name="ACME", **KW)
    for i in range(25):
        people.contact_create(workspace=workspace, account=acme, first_name=f"Person{i:02d}", **KW)
    people.contact_create(workspace=workspace, first_name="Elsewhere", **KW)
    client = logged_in(owner)
    text = client.get(f"/accounts/{acme.pk}/").content.decode()
    assert len(re.findall(r'href="/contacts/[0-9]+/"', text)) == 20 and 'data-testid="all-contacts"' in text
    assert 'data-testid="all-projects"' not in text

    listed = client.get(f"/contacts/?account={acme.pk}").content.decode()
    assert "25 in all" in listed and "Elsewhere" not in listed and "Contacts of" in listed
    assert "0 in all" in client.get("/contacts/?account=not-a-number").content.decode()


def test_past_the_count_cap_a_list_says_more_than(owner, workspace, monkeypatch):
    for i in range(4):
        people.lead_create(workspace=workspace, name=f"Lead {i}", **KW)
    monkeypatch.setattr(query, "COUNT_CAP", 3)
    text = logged_in(owner).get("/leads/").content.decode()
    assert "More than 3: search or filter to narrow them." in text


def test_the_client_portal_tab_pages_its_accounts(owner, workspace):
    for i in range(55):
        people.account_create(workspace=workspace, name=f"Client {i:02d}", **KW)
    client = logged_in(owner)
    tab = client.get("/integrations/portal/")
    assert tab.content.decode().count('data-testid="portal-account-') == 50
    assert 'data-testid="portal-accounts-pager"' in tab.content.decode()
    second = client.get("/integrations/portal/accounts/?page=2", headers={"HX-Request": "true"})
    assert second.content.decode().count('data-testid="portal-account-') == 5
    assert "<html" not in second.content.decode()  # the table alone, for the pager to swap in
    assert client.get("/integrations/portal/accounts/?page=2").status_code == 200  # and a page of its own


def test_the_portals_lists_are_paged_and_its_overview_counts_without_listing(owner, workspace):
    things = account_with_things(workspace, owner, "Portal Client Co", "pc@client.test")
    account, contact = things["account"], things["contact"]
    for i in range(30):
        documents.invoice_send(invoice=documents.invoice_create(workspace=workspace, account=account, contact=contact,
                                                                lines=LINE, **KW), **KW)
        work.message_post(workspace=workspace, account=account, body=f"Note {i}", **KW)
    client = signed_in(workspace, "pc@client.test")
    base = f"/portal/{workspace.pk}"
    invoices = client.get(f"{base}/invoices/").content.decode()
    listed = re.compile(rf'href="{base}/invoices/[0-9]+/"')
    assert len(listed.findall(invoices)) == 25 and 'data-testid="pager"' in invoices
    assert len(listed.findall(client.get(f"{base}/invoices/?page=2").content.decode())) == 6
    home = client.get(f"{base}/").content.decode()
    assert '<div class="stat">31</div>' in home and "All 31 to pay" in home
    messages = client.get(f"{base}/messages/")
    assert rows(messages, "message") == 30  # under a page: all of them
    for i in range(30, 60):
        work.message_post(workspace=workspace, account=account, body=f"Note {i}", **KW)
    assert rows(client.get(f"{base}/messages/"), "message") == 50


def test_a_page_of_conversations_costs_the_same_queries_however_many_there_are(owner, workspace):
    client = logged_in(owner)

    def queries() -> int:
        client.get("/messages/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/messages/")
        return len(captured)

    for i in range(3):
        work.message_post(workspace=workspace, account=people.account_create(workspace=workspace, name=f"A{i}", **KW),
                          body="x", direction="inbound", **KW)
    few = queries()
    for i in range(40):
        work.message_post(workspace=workspace, account=people.account_create(workspace=workspace, name=f"B{i}", **KW),
                          body="x", direction="inbound", **KW)
    assert queries() == few
