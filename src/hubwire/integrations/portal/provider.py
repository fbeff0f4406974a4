"""The Client Portal tab. Nothing to connect to: it is hubwire's own portal for clients (hubwire.portal).
The card is green while someone can sign in, orange while the portal is on for an account but
nobody there can sign in yet, grey while it is off everywhere."""

from django.db.models import Q

from hubwire.integrations.registry import AuthKind, Card, Provider, register


@register
class ClientPortal(Provider):
    key = "portal"
    tab_order = 20
    name = "Client Portal"
    tab_label = "Client Portal"
    summary = ("Give clients at accounts like ACME Creative Agency a secure login to view projects, invoices, "
               "contracts, and send you messages.")
    auth_kind = AuthKind.NONE
    built = True
    tab_template = "portal/tab.html"

    def tab_context(self, workspace) -> dict:
        from hubwire.portal import selectors
        from hubwire.portal.services import portal_link
        from hubwire.portal.team_views import accounts_page

        return {"stats": selectors.stats(workspace), "accounts": accounts_page(workspace, 1),
                "portal_link": portal_link(workspace)}

    def audit_filter(self):
        return Q(action__startswith="portal_")

    def card(self, workspace, connections) -> Card:
        from hubwire.integrations.models import STATUS_COLOUR, ConnectionStatus
        from hubwire.portal.selectors import setup_state

        s = setup_state(workspace)  # no sign-in counts: the card is on every Integrations page
        counts = (f"{s['accounts_on']} account{'s' if s['accounts_on'] != 1 else ''}, "
                  f"{s['users']} user{'s' if s['users'] != 1 else ''}, {s['unread']} unread")
        if s["can_sign_in"]:
            status, headline = ConnectionStatus.ACTIVE, "Active"
        elif s["accounts_on"]:
            status, headline = ConnectionStatus.SETUP_INCOMPLETE, "Setup incomplete"
            counts = "On, but no client can sign in yet: set a password or send an invitation"
        else:
            status, headline, counts = ConnectionStatus.NOT_CONNECTED, "Off", "Turn it on for an account below"
        return Card(status, STATUS_COLOUR[status], headline, counts)
