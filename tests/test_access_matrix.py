"""Who reaches what, beyond tenancy (test_tenancy.py): a team member on every route only owners and
admins may use; a portal client and an API key on every team page; team sessions on the API; and
the invitation and password routes in each (issue 15)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import get_resolver, reverse

from hubwire.core.models import ApiKey, TeamInvitation
from hubwire.core.services import api_key_issue
from hubwire.webhooks.models import Endpoint, InboundHook
from hubwire.webhooks.inbound import inbound_hook_create
from hubwire.webhooks.services import endpoint_create, endpoint_send_test
from tests.conftest import logged_in
from tests.portal.conftest import account_with_things, signed_in
from tests.test_tenancy import COLLECTION_PAGES, object_pages, object_posts
from tests.factories import crm_objects

pytestmark = pytest.mark.django_db


@pytest.fixture
def things(owner, workspace):
    objects = crm_objects(workspace)
    logged_in(owner).post("/team/", {"email": "invited@example.test", "role": "member"})
    endpoint = endpoint_create(workspace=workspace, url="https://hooks.example.com/in")
    return {"objects": objects, "portal": account_with_things(workspace, owner, "Portal Client Co", "pc@client.test"),
            "api_key": api_key_issue(workspace=workspace, name="k")[0], "invitation": TeamInvitation.objects.get(),
            "endpoint": endpoint, "delivery": endpoint_send_test(endpoint=endpoint),
            "hook": inbound_hook_create(workspace=workspace, name="Leads in", action="lead_create")}


def manage_routes(t) -> dict[str, tuple[str, str]]:
    """Every route only owners and admins may use, by URL name: (method, url)."""
    account, contact = t["portal"]["account"].pk, t["portal"]["contact"].pk
    return {
        "api_keys": ("post", reverse("api_keys")),
        "api_key_revoke": ("post", reverse("api_key_revoke", args=[t["api_key"].pk])),
        "invitation_revoke": ("post", reverse("invitation_revoke", args=[t["invitation"].pk])),
        "workspace_time_zone": ("post", reverse("workspace_time_zone")),
        "integrations:connect": ("post", reverse("integrations:connect", args=["zoom"])),
        "integrations:disconnect": ("post", reverse("integrations:disconnect", args=["zoom"])),
        "integrations:credentials": ("post", reverse("integrations:credentials", args=["zoom"])),
        "integrations:stripe_onboard": ("post", reverse("integrations:stripe_onboard")),
        "integrations:stripe_refresh": ("get", reverse("integrations:stripe_refresh", args=["test"])),
        "integrations:stripe_return": ("get", reverse("integrations:stripe_return", args=["test"])),
        "integrations:quickbooks_enable": ("post", reverse("integrations:quickbooks_enable")),
        "integrations:quickbooks_choices": ("post", reverse("integrations:quickbooks_choices")),
        "integrations:google_calendar_choices": ("post", reverse("integrations:google_calendar_choices")),
        "integrations:twilio_sender": ("post", reverse("integrations:twilio_sender")),
        "integrations:twilio_inbound_url_set": ("post", reverse("integrations:twilio_inbound_url_set")),
        "integrations:twilio_quiet_hours": ("post", reverse("integrations:twilio_quiet_hours")),
        "webhooks:endpoint_new": ("post", reverse("webhooks:endpoint_new")),
        "webhooks:endpoint_edit": ("post", reverse("webhooks:endpoint_edit", args=[t["endpoint"].pk])),
        "webhooks:endpoint_action": ("post", reverse("webhooks:endpoint_action", args=[t["endpoint"].pk, "delete"])),
        "webhooks:delivery_resend": ("post", reverse("webhooks:delivery_resend", args=[t["delivery"].pk])),
        "webhooks:inbound_new": ("post", reverse("webhooks:inbound_new")),
        "webhooks:inbound_action": ("post", reverse("webhooks:inbound_action", args=[t["hook"].pk, "delete"])),
        "portal:access": ("post", reverse("portal:access", args=[account])),
        "portal:contact_login": ("post", reverse("portal:contact_login", args=[contact])),
        "portal:contact_password": ("post", reverse("portal:contact_password", args=[contact])),
        "portal:contact_invite": ("post", reverse("portal:contact_invite", args=[contact])),
        # QuickBooks customers (integrations/quickbooks/customer_views.py)
        "integrations:quickbooks_customers_connect": ("post", reverse("integrations:quickbooks_customers_connect")),
        "integrations:quickbooks_customer_search": ("get", reverse("integrations:quickbooks_customer_search",
                                                                   args=[account])),
        "integrations:quickbooks_customer_link": ("post", reverse("integrations:quickbooks_customer_link", args=[account])),
        "integrations:quickbooks_customer_unlink": ("post", reverse("integrations:quickbooks_customer_unlink",
                                                                    args=[account])),
        "integrations:quickbooks_customer_match_again": ("post", reverse("integrations:quickbooks_customer_match_again",
                                                                         args=[account])),
    }


def manage_only_patterns() -> dict[str, object]:
    """Every route behind workspace_required(manage=True), by URL name: its pattern."""
    found = {}

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, namespace + (pattern.namespace + ":" if pattern.namespace else ""))
            elif getattr(pattern.callback, "manage_only", False):
                found[namespace + pattern.name] = pattern

    walk(get_resolver())
    return found


def url_names_marked_manage_only() -> set[str]:
    return set(manage_only_patterns())


ANY_ID = {"IntConverter": 1, "StringConverter": "1"}  # an id of a row, or of an object at a provider


def with_any_ids(t) -> dict[str, tuple[str, str]]:
    """The manage-only routes whose only parameters are ids, not listed by hand in manage_routes: a
    POST with id 1 for each (the role is checked before anything is looked up, so the ids need not
    exist; a route that only reads answers the POST 405, and is asked with a GET instead). A provider
    folder's new owner-only routes are covered here without editing this file."""
    listed, routes = set(manage_routes(t)), {}
    for name, pattern in manage_only_patterns().items():
        converters = getattr(pattern.pattern, "converters", {})
        if name in listed or not all(type(c).__name__ in ANY_ID for c in converters.values()):
            continue
        ids = {param: ANY_ID[type(converter).__name__] for param, converter in converters.items()}
        routes[name] = ("post", reverse(name, kwargs=ids))
    return routes


def test_every_owner_and_admin_route_is_in_the_member_matrix(things):
    """A new route behind workspace_required(manage=True) must be added to manage_routes."""
    covered = set(manage_routes(things)) | set(with_any_ids(things))
    assert url_names_marked_manage_only() <= covered, url_names_marked_manage_only() - covered


def test_a_member_gets_403_on_every_owner_and_admin_route_and_changes_nothing(member, things):
    client = logged_in(member)
    posted = {"email": "x@example.test", "role": "owner", "url": "https://x.example/", "name": "x", "enabled": "1",
              "allowed": "1"}
    for name, (method, url) in manage_routes(things).items():
        assert getattr(client, method)(url, posted).status_code == 403, name
    for name, (method, url) in with_any_ids(things).items():
        response = client.post(url, posted)
        if response.status_code == 405:  # a page that only reads: asked as it is read
            response = client.get(url)
        assert response.status_code == 403, name
    # The team page itself is open to members, but its invitation form is not.
    assert client.post("/team/", {"email": "x@example.test", "role": "owner"}).status_code == 403
    assert TeamInvitation.objects.get().revoked_at is None
    assert Endpoint.objects.count() == 1 and InboundHook.objects.count() == 1
    assert ApiKey.objects.filter(revoked_at=None).count() == 1
    assert len(mail.outbox) == 1  # the fixture's own invitation only


def team_pages(things) -> list[str]:
    return COLLECTION_PAGES + object_pages(things["objects"]) + ["/password/change/", "/settings/api-keys/", "/webhooks/"]


def team_posts(things) -> list[str]:
    return object_posts(things["objects"]) + ["/team/", "/password/change/", "/settings/api-keys/",
                                              reverse("invitation_revoke", args=[things["invitation"].pk])]


@pytest.mark.parametrize("who", ["portal client", "API key"])
def test_portal_clients_and_api_keys_reach_no_team_page(workspace, things, who):
    if who == "portal client":
        client = signed_in(workspace, "pc@client.test")  # a portal session, and a team sign-in page for the rest
    else:
        client = Client(headers={"Authorization": f"Bearer {ApiKey.issue(workspace=workspace, name='x')[1]}"})
    for url in team_pages(things):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (who, url)
    for url in team_posts(things):
        response = client.post(url, {"name": "hijacked", "email": "x@example.test", "role": "owner",
                                     "old_password": "x", "new_password1": "y", "new_password2": "y"})
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (who, url)
    things["objects"]["leads"].refresh_from_db()
    assert things["objects"]["leads"].name == "Priya" and TeamInvitation.objects.count() == 1


@pytest.mark.parametrize("who", ["owner", "portal client"])
def test_a_team_or_portal_session_is_not_an_api_key(request, workspace, things, who):
    client = logged_in(request.getfixturevalue(who)) if who == "owner" else signed_in(workspace, "pc@client.test")
    for url in ["/api/leads", f"/api/leads/{things['objects']['leads'].pk}", "/api/webhooks/endpoints"]:
        assert client.get(url).status_code == 401, (who, url)
    assert client.post("/api/leads", {"name": "x"}, content_type="application/json").status_code == 401


def test_the_invitation_and_password_reset_pages_need_only_their_link(db):
    assert Client().get("/password/reset/").status_code == 200
    assert Client().get("/team/join/made-up/").status_code == 404
    assert Client().get("/password/reset/MQ/made-up/").status_code == 200  # says the link is not valid
    assert b"expired or has already been used" in Client().get("/password/reset/MQ/made-up/").content
