"""A contact's text conversation on its page (crm record panel), when there is one: the last few
messages, unread and opted-out marks, and the way to the whole thread and its reply box."""

from hubwire.crm.panels import record_panel
from hubwire.integrations.twilio.conversations import contact_conversations, latest_messages

TEMPLATE = "twilio/contact_conversation.html"


def contact_panel_context(request, contact) -> dict | None:
    found = contact_conversations(contact)
    if not found:
        return None
    return {"sms_conversations": [(conversation, latest_messages(conversation)) for conversation in found]}


record_panel("contacts", template=TEMPLATE, context=contact_panel_context, order=70)
