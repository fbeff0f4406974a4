"""The dashboard's card of unread texts (core/dashboard.py), for a workspace that texts: connected,
or with conversations from before."""

from hubwire.core.dashboard import dashboard_card
from hubwire.integrations.twilio.config import active_connection
from hubwire.integrations.twilio.conversations import unread_count
from hubwire.integrations.twilio.models import Conversation


def unread_card_context(request) -> dict | None:
    workspace = request.workspace
    if active_connection(workspace) is None and not Conversation.objects.filter(workspace=workspace).exists():
        return None
    return {"unread": unread_count(workspace)}


dashboard_card(template="twilio/_sms_unread_card.html", context=unread_card_context)
