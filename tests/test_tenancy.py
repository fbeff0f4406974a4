"""Tenancy: an owner, a member and an outsider (another workspace's owner) on every page and API route."""

import pytest
from django.test import Client
from django.urls import reverse

from hubwire.crm.pages import RESOURCES
from hubwire.events.models import Event
from hubwire.integrations.registry import PROVIDERS
from tests.conftest import logged_in
from tests.factories import crm_objects

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(workspace):
    return crm_objects(workspace)


@pytest.fixture
def webhook_things(workspace):
    """A Manager endpoint with a delivery, and a Zapier REST hook subscription."""
    from hubwire.webhooks.services import endpoint_create, endpoint_send_test, rest_hook_subscribe

    endpoint = endpoint_create(workspace=workspace, url="https://hooks.example.com/in")
    subscription = rest_hook_subscribe(workspace=workspace, target_url="https://hooks.zapier.com/1", event="lead.created")
    return endpoint, endpoint_send_test(endpoint=endpoint), subscription


def object_pages(objects) -> list[str]:
    """Every page that shows or edits one object of the workspace."""
    urls = []
    for key, obj in objects.items():
        urls += [reverse("crm:detail", args=[key, obj.pk]), reverse("crm:edit", args=[key, obj.pk])]
    urls.append(reverse("crm:conversation", args=[objects["accounts"].pk]))
    urls.append(reverse("portal:manage", args=[objects["accounts"].pk]))
    urls.append(reverse("event_detail", args=[Event.objects.filter(workspace=objects["accounts"].workspace).first().pk]))
    return urls


def object_posts(objects) -> list[str]:
    """Every page POST that changes one object."""
    urls = [reverse("crm:action", args=[key, objects[key].pk, a.name]) for key, r in RESOURCES.items() for a in r.actions]
    urls += [reverse("crm:invoice_payment", args=[objects["invoices"].pk]), reverse("crm:edit", args=["leads", objects["leads"].pk])]
    urls += [reverse("crm:milestone_add", args=[objects["projects"].pk]),
             reverse("crm:milestone_done", args=[objects["projects"].milestones.get().pk])]
    return urls


COLLECTION_PAGES = ["/", "/team/", "/password/change/", "/events/", "/messages/", "/integrations/", "/integrations/audit/"] + [f"/integrations/{key}/" for key in PROVIDERS] + [f"/{key}/" for key in RESOURCES] + [f"/{key}/new/" for key in RESOURCES]


@pytest.mark.parametrize("who", ["owner", "member"])
def test_team_users_open_every_page_of_their_workspace(request, who, objects):
    client = logged_in(request.getfixturevalue(who))
    for url in COLLECTION_PAGES + object_pages(objects):
        assert client.get(url).status_code == 200, url


def test_outsider_gets_404_for_every_object_of_another_workspace(outsider, objects):
    client = logged_in(outsider)
    for url in object_pages(objects):
        assert client.get(url).status_code == 404, url
    for url in object_posts(objects):
        assert client.post(url, {"name": "hijacked"}).status_code == 404, url
    objects["leads"].refresh_from_db()
    assert objects["leads"].name == "Priya"


def test_outsider_lists_show_nothing_of_another_workspace(outsider, objects):
    client = logged_in(outsider)
    for key, obj in objects.items():
        body = client.get(f"/{key}/").content.decode()
        assert reverse("crm:detail", args=[key, obj.pk]) not in body, key
    assert "ACME" not in client.get("/messages/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(objects):
    client = Client()
    for url in COLLECTION_PAGES + object_pages(objects):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_only_owners_and_admins_manage_api_keys_and_team(owner, member, workspace):
    assert logged_in(owner).get("/settings/api-keys/").status_code == 200
    assert logged_in(member).get("/settings/api-keys/").status_code == 403
    response = logged_in(member).post("/team/", {"email": "new@example.test", "role": "owner", "password": "x" * 20})
    assert response.status_code == 403
    assert not workspace.memberships.filter(user__email="new@example.test").exists()


def test_api_key_of_another_workspace_is_revoked_by_404(owner, outsider, workspace, other_workspace):
    from hubwire.core.models import ApiKey

    key, _ = ApiKey.issue(workspace=workspace, name="mine")
    response = logged_in(outsider).post(f"/settings/api-keys/{key.pk}/revoke/")
    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


# --- API ---
def webhook_routes(webhook_things) -> list[tuple[str, str]]:
    endpoint, delivery, subscription = webhook_things
    e, d = f"/api/webhooks/endpoints/{endpoint.pk}", f"/api/webhooks/deliveries/{delivery.pk}"
    return [("get", d), ("post", f"{d}/resend"), ("get", e), ("patch", e), ("post", f"{e}/rotate-secret"),
            ("post", f"{e}/test"), ("post", f"{e}/replay"), ("delete", f"/api/hooks/{subscription.pk}"), ("delete", e)]


def api_object_routes(objects, webhook_things) -> list[tuple[str, str]]:
    routes = []
    for key, obj in objects.items():
        routes += [("get", f"/api/{key}/{obj.pk}"), ("patch", f"/api/{key}/{obj.pk}")]
    routes += [("post", f"/api/quotes/{objects['quotes'].pk}/{verb}") for verb in ("send", "accept", "decline")]
    routes += [("post", f"/api/invoices/{objects['invoices'].pk}/{verb}") for verb in ("send", "void", "mark-paid")]
    routes += [("post", f"/api/invoices/{objects['invoices'].pk}/payments"), ("get", f"/api/invoices/{objects['invoices'].pk}/payments"),
               ("post", f"/api/appointments/{objects['appointments'].pk}/cancel")]
    event = Event.objects.filter(workspace=objects["accounts"].workspace).first()
    routes.append(("get", f"/api/events/{event.pk}"))
    return routes + webhook_routes(webhook_things)  # deletes last


def test_every_api_route_is_covered_here(objects, webhook_things):
    """If a route is added to the API, it must be added to the tenancy checks above."""
    from hubwire.api import api

    schema = api.get_openapi_schema()
    covered = {(method, path.split("/api")[1]) for method, path in api_object_routes(objects, webhook_things)}
    templated = set()
    for path, operations in schema["paths"].items():
        for method in operations:
            if "{id}" in path:
                templated.add((method, path.removeprefix("/api")))
    normalized = {(m, "/".join("{id}" if part.isdigit() or len(part) == 36 else part for part in p.split("/"))) for m, p in covered}
    assert templated <= normalized, templated - normalized


def test_owner_key_reaches_every_object_route(api, objects, webhook_things):
    for method, url in api_object_routes(objects, webhook_things):
        response = getattr(api, method)(url, {} if method != "get" else None, content_type="application/json")
        assert response.status_code in (200, 201, 202, 204, 409, 422), (method, url, response.status_code,
                                                                         response.content)


def test_outsider_key_gets_404_on_every_object_route(outsider_api, objects, webhook_things):
    for method, url in api_object_routes(objects, webhook_things):
        body = {"name": "hijacked", "since": "2020-01-01T00:00:00Z"} if method != "get" else None
        response = getattr(outsider_api, method)(url, body, content_type="application/json")
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json() == {"detail": "Not found."}
    objects["leads"].refresh_from_db()
    assert objects["leads"].name == "Priya"


def test_outsider_key_lists_are_empty(outsider_api, objects):
    for key in list(objects) + ["messages", "events"]:
        body = outsider_api.get(f"/api/{key}").json()
        assert body["count"] == 0 and body["items"] == [], key


def test_outsider_cannot_reference_another_workspaces_objects(outsider_api, objects):
    response = outsider_api.post("/api/contacts", {"first_name": "X", "account_id": objects["accounts"].pk},
                                 content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "account_id"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer ", "Basic abc"])
def test_api_without_a_valid_key_is_401(db, header):
    client = Client(headers={"Authorization": header} if header else {})
    response = client.get("/api/leads")
    assert response.status_code == 401
    assert "API key" in response.json()["detail"]


def test_revoked_key_is_refused(workspace, api, api_key):
    from hubwire.core.models import ApiKey, hash_api_key
    from hubwire.core.services import api_key_revoke

    assert api.get("/api/leads").status_code == 200
    api_key_revoke(key=ApiKey.objects.get(key_hash=hash_api_key(api_key)))
    assert api.get("/api/leads").status_code == 401
