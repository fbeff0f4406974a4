"""Tenancy on every QuickBooks route, found in quickbooks/urls.py rather than listed, so that a route
another part adds is covered the day it is added: signed out, a sign-in first; a member, 403 on
anything that changes something; another workspace's owner, a 404 for this workspace's objects and
nothing of this workspace changed by anything they send."""

import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.models import Connection
from hubwire.integrations.quickbooks import urls as quickbooks_urls
from hubwire.sync.models import Schedule, SyncRecord
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.provider_routes import routes as provider_routes
from tests.factories import crm_objects

pytestmark = SANDBOX_DB


@pytest.fixture
def quickbooks(quickbooks_on):
    """The tab's story: QuickBooks turned on with the switch before connecting."""
    return quickbooks_on


# What fills each route parameter: an object of the connected workspace. A route whose parameter is
# not here fails test_every_route_parameter_is_known: add it, with what it names.
OBJECT_PARAMETERS = {
    "account_id": lambda things: things["accounts"].pk,
    "contact_id": lambda things: things["contacts"].pk,
    "invoice_id": lambda things: things["invoices"].pk,
    "record_id": lambda things: things["record"].pk,
}
# Routes a member (not an owner or admin) may POST to, each with the reason.
MEMBER_MAY_POST: dict[str, str] = {
    "quickbooks_invoices_sync_all": "exporting is CRM work under choices an owner already made",
    "quickbooks_invoice_export": "exporting is CRM work under choices an owner already made",
}
# Every field any QuickBooks form takes, with values that would change something if accepted.
POSTED = {"enabled": "0", "item_name": "Hijacked", "tax": "none", "export_time": "01:00", "mode": "",
          "confirm": "1", "customer_id": "1", "query": "a@b.test"}


@pytest.fixture
def things(workspace):
    objects = crm_objects(workspace)
    record = SyncRecord.objects.create(workspace=workspace, provider="quickbooks", kind="customer",
                                       local_id=objects["accounts"].pk, external_id="1", status="failed",
                                       reason="A customer, vendor or employee in QuickBooks already has this name.")
    return {**objects, "record": record}


def routes(things) -> list[tuple[str, str, bool]]:
    return provider_routes(quickbooks_urls, OBJECT_PARAMETERS, things)


def snapshot(workspace) -> dict:
    """Everything of the workspace a QuickBooks route could change."""
    connection = Connection.objects.get(workspace=workspace, provider="quickbooks")
    return {
        "connection": (connection.status, connection.status_reason, connection.details, connection.account_name,
                       connection.access_token, connection.refresh_token, connection.credentials,
                       connection.inbound_token_hash),
        "schedules": list(Schedule.objects.filter(workspace=workspace).values_list("name", "enabled", "next_run_at",
                                                                                  "at_time")),
        "records": list(SyncRecord.objects.filter(workspace=workspace).values_list("id", "status", "external_id",
                                                                                  "matched_by")),
        "audit": AuditEntry.objects.filter(workspace=workspace).count(),
    }


def test_every_route_parameter_is_known(things):
    for pattern in quickbooks_urls.urlpatterns:
        unknown = set(pattern.pattern.converters) - set(OBJECT_PARAMETERS)
        assert not unknown, f"{pattern.name}: add {unknown} to OBJECT_PARAMETERS"
    assert {"quickbooks_enable", "quickbooks_choices", "quickbooks_disconnected"} <= {n for n, _, _ in routes(things)}


def test_signed_out_every_route_asks_to_sign_in_first(quickbooks, things, client):
    before = snapshot(quickbooks.connection.workspace)
    for name, url, _ in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        sign_in = [m for m, r in answers.items() if r.status_code == 302 and r["Location"].startswith("/login/?next=")]
        assert sign_in, (name, {m: r.status_code for m, r in answers.items()})
        assert all(r.status_code == 405 for m, r in answers.items() if m not in sign_in), name  # the other method
    assert snapshot(quickbooks.connection.workspace) == before


def test_a_member_gets_403_on_every_route_that_changes_something(quickbooks, things, member):
    client = logged_in(member)
    before = snapshot(quickbooks.connection.workspace)
    for name, url, _ in routes(things):
        status = client.post(url, POSTED).status_code
        if name in MEMBER_MAY_POST:
            continue
        assert status in (403, 405), (name, status)  # 405: a page that only shows (GET)
    assert snapshot(quickbooks.connection.workspace) == before


def test_another_workspace_gets_404_for_this_workspaces_objects_and_changes_nothing_here(quickbooks, things,
                                                                                         outsider):
    client = logged_in(outsider)
    before = snapshot(quickbooks.connection.workspace)
    for name, url, names_an_object in routes(things):
        answers = {method: getattr(client, method)(url, POSTED).status_code for method in ("get", "post")}
        if names_an_object:
            assert set(answers.values()) <= {404, 405} and 404 in answers.values(), (name, answers)
        else:  # a route of "my workspace": it acts on the outsider's own, never on this one
            # (404 or 409: the outsider's workspace has no QuickBooks connection to show or act on)
            assert set(answers.values()) <= {200, 302, 400, 404, 405, 409, 422}, (name, answers)
    assert snapshot(quickbooks.connection.workspace) == before
