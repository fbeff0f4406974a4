"""The card Example CRM adds to every contact's page."""

from tests.integrations.example_provider.views import connection_of

TEMPLATE = "example_provider/contact_panel.html"


def contact_panel_context(request, contact) -> dict:
    return {"example_connection": connection_of(contact.workspace)}
