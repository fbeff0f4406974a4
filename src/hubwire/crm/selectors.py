"""Reads of the CRM that several pages share."""

from django.db.models import Sum

from hubwire.core.tenancy import scoped
from hubwire.crm.models import Account


def unread_client_message_count(workspace) -> int:
    """Messages from clients that nobody on the team has opened yet, from the counts each account
    keeps (work.message_post, work.conversation_mark_read): a range of the accounts' (workspace,
    unread_messages) index, not a count of every message the workspace ever had. On every page (nav)."""
    return scoped(Account, workspace).filter(unread_messages__gt=0).aggregate(n=Sum("unread_messages"))["n"] or 0
