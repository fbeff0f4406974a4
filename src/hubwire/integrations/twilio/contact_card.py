"""The SMS card on a contact's page: the composer, with the contact chosen and their number filled
in. Shown once the workspace has connected Twilio (in any state: the composer then says what is
missing before anything can be sent)."""

from hubwire.crm.panels import record_panel
from hubwire.integrations.models import Connection
from hubwire.integrations.twilio.config import KEY
from hubwire.integrations.twilio.views_compose import contact_composer


def contact_panel_context(request, contact) -> dict | None:
    if not Connection.objects.filter(workspace=contact.workspace, provider=KEY, mode="").exists():
        return None
    return {"composer": contact_composer(request, contact)}


record_panel("contacts", template="twilio/contact_card.html", context=contact_panel_context, order=60)
