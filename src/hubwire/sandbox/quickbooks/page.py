"""What the sandbox page's QuickBooks card shows for each company: its customers and invoices a short
page at a time (Intuit's own lists are paged too), the webhook settings of each app connected to it,
and when hubwire's QuickBooks export next runs. Its forms post to the test hooks in control.py."""

from django.core.paginator import Paginator

from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection
from hubwire.integrations.quickbooks.schedule import EXPORT
from hubwire.sandbox.hooks import page_card
from hubwire.sandbox.quickbooks import webhooks
from hubwire.sandbox.quickbooks.models import Company, Entity
from hubwire.sync.models import Schedule

PAGE_SIZE = 10
COMPANIES_SHOWN = 10  # the most recently made companies; a test run may leave many more


def _page(realm_id: str, kind: str, params, key: str):
    """One page of the company's live objects of `kind`, newest first, with links to the pages beside
    it that keep every other list where it was; `key` is its query parameter."""
    rows = Entity.objects.filter(realm_id=realm_id, kind=kind, deleted=False).order_by("-id").only("body")
    page = Paginator(rows, PAGE_SIZE).get_page(params.get(key))
    page.previous_url = _link(params, key, page.previous_page_number()) if page.has_previous() else ""
    page.next_url = _link(params, key, page.next_page_number()) if page.has_next() else ""
    return page


def _link(params, key: str, number: int) -> str:
    query = params.copy()
    query[key] = str(number)
    return "?" + query.urlencode()


def next_export_at():
    """When the earliest QuickBooks export of any workspace is due, or None."""
    return (Schedule.objects.filter(provider="quickbooks", name=EXPORT, enabled=True).order_by("next_run_at")
            .values_list("next_run_at", flat=True).first())


def hubwire_url(realm_id: str) -> str:
    """The event URL hubwire's QuickBooks tab shows for its connection to this company (the URL to paste
    as the app's webhook endpoint), once the tab has made one; "" otherwise."""
    connection = (Connection.objects.filter(provider="quickbooks", external_account_id=realm_id)
                  .exclude(inbound_token_hash=None).order_by("-pk").first())
    return connection_inbound_url(connection=connection) if connection else ""


def card_context(params) -> dict:
    """`params` is the page's query string: which page of each company's lists to show."""
    companies = []
    for company in Company.objects.order_by("-id")[:COMPANIES_SHOWN]:
        realm_id = company.realm_id
        suggested = hubwire_url(realm_id)
        apps = []
        for client_id in sorted(webhooks.apps_of(realm_id)):
            app = webhooks.subscription(client_id)
            # Not saved yet: the form offers hubwire's URL for this company instead of the shared one.
            apps.append({"app": app, "url": app.url if app.pk or not suggested else suggested,
                         "unsaved": app.pk is None})
        companies.append({
            "realm_id": realm_id, "name": company.name, "hubwire_url": suggested,
            "customers": _page(realm_id, "Customer", params, f"customers-{realm_id}"),
            "invoices": _page(realm_id, "Invoice", params, f"invoices-{realm_id}"),
            "apps": apps,
        })
    return {"companies": companies, "next_export": next_export_at()}


page_card("quickbooks", template="sandbox/_quickbooks.html", context=lambda request: card_context(request.GET),
          order=10)
