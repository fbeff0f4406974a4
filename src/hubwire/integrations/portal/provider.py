"""The Client Portal tab. Nothing to connect to: it is hubwire's own portal for clients."""

from hubwire.integrations.registry import AuthKind, Provider, register


@register
class ClientPortal(Provider):
    key = "portal"
    name = "Client Portal"
    tab_label = "Client Portal"
    summary = ("Give clients at accounts like ACME Creative Agency a secure login to view projects, invoices, "
               "contracts, and send you messages.")
    auth_kind = AuthKind.NONE
