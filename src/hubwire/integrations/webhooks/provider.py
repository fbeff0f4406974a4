"""The Webhooks tab: a summary of the Webhooks Manager (outbound endpoints and inbound hooks) and
the way in. There is nothing to connect: the card is green while endpoints deliver, orange while
one is failing, red when hubwire had to disable one, grey when there is nothing set up."""

from django.db.models import Q

from hubwire.integrations.registry import AuthKind, Card, Provider, register


@register
class Webhooks(Provider):
    key = "webhooks"
    tab_order = 80
    name = "Webhooks"
    tab_label = "Webhooks"
    summary = ("Connect your CRM with tools like Zapier, Make, Slack, or any service that accepts HTTP requests: "
               "outbound webhooks fire when events like lead created, quote accepted, invoice paid or appointment "
               "booked occur; inbound webhooks turn what other tools send into CRM records.")
    auth_kind = AuthKind.NONE
    built = True
    tab_template = "webhooks/tab.html"

    def tab_context(self, workspace) -> dict:
        from hubwire.webhooks.selectors import summary

        return summary(workspace)

    def audit_filter(self):
        return Q(action__startswith="webhook_") | Q(action__startswith="inbound_hook_")

    def card(self, workspace, connections) -> Card:
        from hubwire.integrations.models import STATUS_COLOUR, ConnectionStatus
        from hubwire.webhooks.selectors import setup_state

        s = setup_state(workspace)  # no delivery counts: the card is on every Integrations page
        counts = f"{s['enabled']} endpoint{'s' if s['enabled'] != 1 else ''}, {s['inbound_hooks']} inbound"
        if s["disabled_by_hubwire"]:
            status, headline = ConnectionStatus.NEEDS_ATTENTION, "Needs attention"
            detail = f"{len(s['disabled_by_hubwire'])} endpoint(s) disabled after failing"
        elif s["failing"]:
            status, headline = ConnectionStatus.SETUP_INCOMPLETE, "Failing"
            detail = f"{len(s['failing'])} endpoint(s) failing; {counts}"
        elif s["enabled"] or s["inbound_hooks"]:
            status, headline, detail = ConnectionStatus.ACTIVE, "Active", counts
        else:
            status, headline, detail = ConnectionStatus.NOT_CONNECTED, "Not set up", "No endpoints or inbound hooks yet"
        return Card(status, STATUS_COLOUR[status], headline, detail)
