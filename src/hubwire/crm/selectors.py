"""Reads of the CRM that several pages share."""

from hubwire.core.tenancy import scoped
from hubwire.crm.models import Message, MessageDirection


def unread_client_messages(workspace):
    """Messages from clients that nobody on the team has opened yet."""
    return scoped(Message, workspace).filter(direction=MessageDirection.INBOUND, read_at=None)
