"""hubwire's main pages, for checks that walk all of them (a phone's width, accessibility): a
workspace with one of everything those pages show, and the URLs of the team's pages and of a portal
client's pages in it."""

from django.urls import reverse

from hubwire.crm.pages import RESOURCES
from hubwire.integrations.registry import PROVIDERS
from hubwire.webhooks.fanout import fan_out_pending
from hubwire.webhooks.inbound import inbound_hook_create
from hubwire.webhooks.services import endpoint_create, endpoint_send_test
from tests.factories import crm_objects
from tests.portal.conftest import CLIENT_PASSWORD, account_with_things

# Long values are what push a narrow page sideways, so the showcase has some.
LONG_URL = "https://hooks.example.com/integrations/hubwire/incoming/webhooks/receiver-for-the-operations-team"


def showcase(workspace, owner) -> dict:
    """One of every object the main pages show, in `workspace`; the client's email and password
    sign in to the portal pages. Each event's deliveries are written, as a running worker would."""
    endpoint = endpoint_create(workspace=workspace, url=LONG_URL, description="Operations receiver")
    portal = account_with_things(workspace, owner, "Portal Client Co", "pc@client.test")
    things = {"objects": crm_objects(workspace), "portal": portal, "endpoint": endpoint,
              "delivery": endpoint_send_test(endpoint=endpoint),
              "hook": inbound_hook_create(workspace=workspace, name="Website contact form", action="lead_create"),
              "client_email": portal["contact"].email, "client_password": CLIENT_PASSWORD}
    fan_out_pending()
    return things


def main_pages(live_server_url: str, things: dict) -> list[str]:
    """The team's main pages (sign in as a workspace owner to see them all), as absolute URLs."""
    objects, portal = things["objects"], things["portal"]
    paths = [reverse("dashboard"), reverse("integrations:page"),
             *(reverse("integrations:tab", args=[key]) for key in PROVIDERS),
             reverse("integrations:audit"),
             reverse("portal:manage", args=[portal["account"].pk]), reverse("portal:accounts"),
             *(reverse("crm:list", args=[key]) for key in RESOURCES),
             *(reverse("crm:detail", args=[key, obj.pk]) for key, obj in objects.items()),
             reverse("crm:detail", args=["invoices", portal["invoice"].pk]),
             reverse("crm:create", args=["invoices"]),
             reverse("crm:conversations"), reverse("crm:conversation", args=[portal["account"].pk]),
             reverse("events"),
             reverse("webhooks:manager"), reverse("webhooks:endpoint", args=[things["endpoint"].pk]),
             reverse("webhooks:deliveries"), reverse("webhooks:delivery", args=[things["delivery"].pk]),
             reverse("webhooks:inbound", args=[things["hook"].pk]),
             reverse("team"), reverse("api_keys")]
    return [live_server_url + path for path in paths]


def portal_pages(live_server_url: str, things: dict) -> list[str]:
    """A portal client's pages (sign in with things' client_email and client_password), as absolute URLs."""
    portal = things["portal"]
    workspace_id = portal["account"].workspace_id
    paths = [reverse("portal:home", args=[workspace_id]),
             reverse("portal:projects", args=[workspace_id]),
             reverse("portal:project", args=[workspace_id, portal["project"].pk]),
             reverse("portal:invoices", args=[workspace_id]),
             reverse("portal:invoice", args=[workspace_id, portal["invoice"].pk]),
             reverse("portal:contracts", args=[workspace_id]),
             reverse("portal:contract", args=[workspace_id, portal["contract"].pk]),
             reverse("portal:messages", args=[workspace_id])]
    return [live_server_url + path for path in paths]
