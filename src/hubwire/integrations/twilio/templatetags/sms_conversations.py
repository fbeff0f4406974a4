"""Tags that put the conversations where other parts' pages want them, with no context of their own
to pass: the SMS tab's section (templates/twilio/_conversations.html, included by the tab)."""

from django import template

from hubwire.integrations.twilio.config import active_connection, config_of
from hubwire.integrations.twilio.conversations import conversations_page

register = template.Library()


@register.simple_tag(takes_context=True)
def sms_conversations(context) -> dict:
    """What _conversations.html shows: a page of recent conversations (the one the conversations page
    chose, or the first), and the quiet-hours form with the errors and values of a refused save
    (conversation_views.quiet_hours puts them in the context)."""
    request = context["request"]
    connection = active_connection(request.workspace)
    page = context.get("sms_page")  # given by the conversations page only; the tab shows the first page
    return {"page": page if page is not None else conversations_page(request.workspace, None),
            "connection": connection, "config": config_of(connection),
            "shown_on": "tab" if page is None else "conversations",
            "errors": context.get("sms_quiet_errors") or {}, "posted": context.get("sms_quiet_posted")}
