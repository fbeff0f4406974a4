"""A person's say, over HTTP against the sandbox company: the account page's QuickBooks card, its
search by email or name, link, unlink and "Match again"; a person's choice (an unlink included)
surviving every automatic pass; the "Connect customers" confirmation's counts, read from QuickBooks
in pages; bad input refused with the field named and nothing changed; and tenancy and roles on
every route (another workspace's account is a 404, a member may look but not change)."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from hubwire.crm.services import people
from hubwire.integrations.quickbooks.config import config_of, enable
from hubwire.integrations.quickbooks.customers import customers_queue, section_context
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus, Trigger
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.quickbooks.customer_helpers import (account, books, contact, customers, in_quickbooks,  # noqa: F401
                                                            passes, row, settle, wire)

pytestmark = SANDBOX_DB


def url(name: str, account_) -> str:
    return reverse(f"integrations:quickbooks_customer_{name}", args=[account_.pk])


def card_url(account_) -> str:
    return reverse("integrations:quickbooks_account_customer", args=[account_.pk])


def detail(client, account_) -> str:
    response = client.get(reverse("crm:detail", args=["accounts", account_.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def ambiguous(books, workspace):
    """ACME's email is on two QuickBooks customers: the pass leaves it for a person."""
    first = in_quickbooks(books, "ACME Creative Agency", "hello@acme-creative.example")
    second = in_quickbooks(books, "ACME (old books)", "hello@acme-creative.example")
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    return agency, first, second


def test_the_person_chooses_among_the_customers_sharing_the_email_on_the_account_page(ambiguous, owner_client):
    agency, first, second = ambiguous
    page = detail(owner_client, agency)
    assert 'data-state="needs_you"' in page and "hubwire does not guess" in page

    found = owner_client.get(url("search", agency), {"q": "HELLO@acme-creative.example"}, headers={"HX-Request": "true"})
    html = found.content.decode()
    assert found.status_code == 200 and html.count('data-testid="qbo-result"') == 2
    assert "ACME (old books)" in html and f"Id {second['Id']}" in html

    linked = owner_client.post(url("link", agency), {"customer_id": second["Id"]}, headers={"HX-Request": "true"})
    assert "is connected to QuickBooks customer “ACME (old books)”" in linked.content.decode()
    chosen = row(agency)
    assert (chosen.status, chosen.external_id, chosen.matched_by) == (SyncStatus.SYNCED, second["Id"], MatchedBy.PERSON)
    assert chosen.synced["how"].startswith("Chosen by owner@example.test on ")
    assert 'data-testid="qbo-customer-name">ACME (old books)<' in detail(owner_client, agency)


def test_a_persons_link_survives_automatic_passes_and_changes_still_follow_it(ambiguous, owner_client, workspace, books):
    agency, first, second = ambiguous
    owner_client.post(url("link", agency), {"customer_id": second["Id"]})
    customers_queue(workspace, trigger=Trigger.BUTTON)
    owner_client.post(reverse("integrations:quickbooks_customers_connect"))  # "Connect customers", confirmed
    people.account_update(account=agency, actor="owner@example.test", phone="+12125550199")
    settle()
    kept = row(agency)
    assert (kept.external_id, kept.matched_by, kept.status) == (second["Id"], MatchedBy.PERSON, SyncStatus.SYNCED)
    chosen = next(c for c in customers(books) if c["Id"] == second["Id"])
    assert chosen["PrimaryPhone"] == {"FreeFormNumber": "+12125550199"}  # the account's change went to the choice
    assert len(customers(books)) == 2


def test_an_unlink_survives_automatic_passes(books, workspace, owner_client):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    assert row(agency).matched_by == MatchedBy.CREATED
    response = owner_client.post(url("unlink", agency))
    assert response.status_code == 302 and response["Location"] == reverse("crm:detail", args=["accounts", agency.pk])
    people.account_update(account=agency, actor="owner@example.test", phone="+12125550199")
    owner_client.post(reverse("integrations:quickbooks_customers_connect"))
    settle()
    kept_apart = row(agency)
    assert (kept_apart.external_id, kept_apart.matched_by, kept_apart.status) == ("", MatchedBy.PERSON, SyncStatus.SYNCED)
    assert len(customers(books)) == 1 and "PrimaryPhone" not in customers(books)[0]
    page = detail(owner_client, agency)
    assert 'data-state="kept_apart"' in page and "hubwire will not connect it automatically" in page

    owner_client.post(url("match_again", agency))  # handed back: matched by its email to the customer it had
    settle()
    again = row(agency)
    assert again.matched_by == MatchedBy.AUTOMATIC and again.external_id == customers(books)[0]["Id"]


def test_the_search_by_name_and_the_customer_connected_elsewhere(books, workspace, owner_client):
    globex = account(workspace, "Globex Corporation", email="billing@globex.example")
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    in_quickbooks(books, "Amy's Bird Sanctuary", "amy@birds.example")
    settle()
    found = owner_client.get(url("search", agency), {"q": "globex"}).content.decode()
    assert "Globex Corporation" in found and "Connected to" in found and 'data-testid="qbo-link"' not in found
    quoted = owner_client.get(url("search", agency), {"q": "Amy's"}).content.decode()  # a quote in the query
    assert "Amy&#x27;s Bird Sanctuary" in quoted and 'data-testid="qbo-link"' in quoted
    nothing = owner_client.get(url("search", agency), {"q": "nobody at all"}).content.decode()
    assert "No QuickBooks customer matches “nobody at all”." in nothing

    taken = owner_client.post(url("link", agency), {"customer_id": row(globex).external_id}, follow=True)
    assert "already connected to “Globex Corporation”. Unlink it there first." in taken.content.decode()
    assert row(agency).matched_by == MatchedBy.CREATED


@pytest.mark.parametrize("customer_id, words", [
    ("", "Choose a QuickBooks customer from the search results."),
    ("1; DROP", "Choose a QuickBooks customer from the search results."),
    ("424242", "QuickBooks has no customer 424242"),
])
def test_a_bad_link_is_refused_in_words_and_changes_nothing(books, workspace, owner_client, customer_id, words):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    before = list(SyncRecord.objects.values_list("pk", "external_id", "matched_by", "status"))
    answer = owner_client.post(url("link", agency), {"customer_id": customer_id}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and words in answer.content.decode()
    assert list(SyncRecord.objects.values_list("pk", "external_id", "matched_by", "status")) == before


@pytest.mark.parametrize("q, words", [("", "Enter an email address or a name to search for."),
                                       ("x" * 101, "At most 100 characters (this has 101).")])
def test_a_bad_search_names_the_field(books, workspace, owner_client, q, words):
    agency = account(workspace, "ACME Creative Agency")
    answer = owner_client.get(url("search", agency), {"q": q})
    assert answer.status_code == 422 and words in answer.content.decode()
    assert 'data-testid="qbo-search-error"' in answer.content.decode()


def test_the_connect_customers_confirmation_counts_what_will_happen(quickbooks, workspace, owner_client, wire):
    books = quickbooks
    in_quickbooks(books, "ACME (books)", "hello@acme-creative.example")
    in_quickbooks(books, "Initech", "ap@initech.example")
    in_quickbooks(books, "Initech (old)", "ap@initech.example")
    acme = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")  # integration still off
    initech = account(workspace, "Initech", email="ap@initech.example")
    fresh = [account(workspace, name) for name in ("Globex Corporation", "Hooli", "Stark Bakery")]
    contact(workspace, fresh[0], "Hank", "hank@globex.example")
    settle()
    assert not passes()
    enable(books.connection)

    page = owner_client.get(reverse("integrations:quickbooks_customers_connect"))
    html = page.content.decode()
    assert page.status_code == 200 and "read 3 active customers in QuickBooks" in html
    assert 'data-testid="preview-matched"><strong>1</strong>' in html
    assert 'data-testid="preview-created"><strong>3</strong>' in html
    assert 'data-testid="preview-waiting"><strong>1</strong>' in html
    assert len(wire.queries()) == 1 and len(customers(books)) == 3 and not wire.batches()  # it writes nothing

    confirmed = owner_client.post(reverse("integrations:quickbooks_customers_connect"))
    assert confirmed.status_code == 302 and confirmed["Location"] == "/integrations/quickbooks/"
    [queued] = passes()
    assert queued.trigger == Trigger.BUTTON
    settle()
    assert row(acme).matched_by == MatchedBy.AUTOMATIC and row(initech).status == SyncStatus.FAILED
    assert [row(a).matched_by for a in fresh] == [MatchedBy.CREATED] * 3
    assert passes()[-1].outcome == "1 matched by email, 3 created, 1 waiting for a person."


def test_the_confirmation_says_why_when_the_integration_is_off(quickbooks, owner_client):
    page = owner_client.get(reverse("integrations:quickbooks_customers_connect"))
    assert page.status_code == 409 and "The QuickBooks integration is turned off." in page.content.decode()
    owner_client.post(reverse("integrations:quickbooks_customers_connect"))
    assert not passes()


def test_the_tabs_customers_section_shows_counts_and_who_needs_a_person(ambiguous, books, workspace, owner, rf):
    account(workspace, "Globex Corporation", email="billing@globex.example")
    settle()
    request = rf.get("/integrations/quickbooks/")
    request.user = owner
    request.membership = workspace.memberships.get(user=owner)
    tab = {"connection": books.refresh(), "config": config_of(books.connection),
           "customers": section_context(books.connection)}
    html = render_to_string("quickbooks/_customers.html", {"tab": tab, "membership": request.membership},
                            request=request)
    assert 'data-testid="customers-connected">1<' in html and 'data-testid="customers-need-you">1<' in html
    assert "hubwire does not guess" in html and 'data-testid="connect-customers"' in html
    assert reverse("crm:detail", args=["accounts", ambiguous[0].pk]) in html


def test_the_sync_panel_names_a_waiting_account_and_retries_it(ambiguous, owner_client, books):
    agency = ambiguous[0]
    tab = owner_client.get("/integrations/quickbooks/").content.decode()
    assert reverse("crm:detail", args=["accounts", agency.pk]) in tab and "hubwire does not guess" in tab
    books.control("quickbooks-delete-customer", Id=ambiguous[2]["Id"])  # one of the two made inactive
    owner_client.post(f"/integrations/sync/{row(agency).pk}/retry/")
    settle()
    assert row(agency).external_id == ambiguous[1]["Id"] and row(agency).matched_by == MatchedBy.AUTOMATIC


# --- tenancy and roles -------------------------------------------------------------------------------

def routes(account_) -> list[tuple[str, str, dict]]:
    return [("get", card_url(account_), {}), ("get", url("search", account_), {"q": "acme"}),
            ("post", url("link", account_), {"customer_id": "1"}), ("post", url("unlink", account_), {}),
            ("post", url("match_again", account_), {})]


def test_another_workspaces_account_is_a_404_on_every_route(books, workspace, outsider):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    before = list(SyncRecord.objects.values_list("external_id", "matched_by", "status"))
    client = logged_in(outsider)
    for method, path, data in routes(agency):
        assert getattr(client, method)(path, data).status_code == 404, path
    assert list(SyncRecord.objects.values_list("external_id", "matched_by", "status")) == before
    # Their own "Connect customers" knows nothing of this workspace (and has no QuickBooks).
    page = client.get(reverse("integrations:quickbooks_customers_connect"))
    assert page.status_code == 409 and "ACME" not in page.content.decode()


def test_a_member_sees_the_card_but_changes_nothing(books, workspace, member):
    agency = account(workspace, "ACME Creative Agency", email="hello@acme-creative.example")
    settle()
    before = list(SyncRecord.objects.values_list("external_id", "matched_by", "status"))
    client = logged_in(member)
    card = client.get(card_url(agency))
    assert card.status_code == 200 and "ACME Creative Agency" in card.content.decode()
    assert 'data-testid="qbo-search"' not in card.content.decode() and 'data-testid="qbo-unlink"' not in \
        card.content.decode()
    for method, path, data in routes(agency)[1:]:
        assert getattr(client, method)(path, data).status_code == 403, path
    for method in ("get", "post"):
        assert getattr(client, method)(reverse("integrations:quickbooks_customers_connect")).status_code == 403
    assert list(SyncRecord.objects.values_list("external_id", "matched_by", "status")) == before
    assert len(passes()) == 1


def test_anonymous_visitors_are_sent_to_sign_in(books, workspace):
    agency = account(workspace, "ACME Creative Agency")
    for method, path, data in [*routes(agency), ("get", reverse("integrations:quickbooks_customers_connect"), {})]:
        response = getattr(Client(), method)(path, data)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), path
