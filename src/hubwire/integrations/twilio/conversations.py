"""Reading conversations: the recent ones (the SMS tab and its own page), one conversation's thread, a
contact's, the unread count (the dashboard), and marking what the team has seen as read."""

from __future__ import annotations

from django.core.paginator import Page
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone

from hubwire.core.query import BoundedPaginator
from hubwire.core.query import thread_page as paged_thread
from hubwire.core.tenancy import scoped
from hubwire.crm.models import Contact
from hubwire.integrations.twilio.models import Conversation, Direction, SmsMessage

CONVERSATIONS_PER_PAGE = 25
MESSAGES_PER_PAGE = 50
CONTACT_PANEL_MESSAGES = 5


def conversations_recent(workspace):
    """Newest first, each with its last message's text and direction (one query, not one per row)."""
    last = SmsMessage.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    return (scoped(Conversation, workspace).select_related("contact")
            .annotate(last_body=Subquery(last.values("body")[:1]),
                      last_direction=Subquery(last.values("direction")[:1]))
            .order_by("-last_message_at", "-id"))


def conversations_page(workspace, page_number) -> Page:
    return BoundedPaginator(conversations_recent(workspace), CONVERSATIONS_PER_PAGE).get_page(page_number)


def thread_page(conversation: Conversation, page_number) -> tuple[Page, list[SmsMessage]]:
    """core/query.thread_page: page 1 the newest, each page oldest first."""
    newest_first = conversation.messages.select_related("author").order_by("-created_at", "-id")
    return paged_thread(newest_first, page_number, MESSAGES_PER_PAGE)


def conversation_mark_read(conversation: Conversation, *, up_to: SmsMessage) -> None:
    """The received messages up to `up_to` (the newest one shown) are read; a text that arrived while
    the page was being made stays unread. The unread count is recounted under the row lock that
    replies.py takes to add one, so the two never lose each other's change."""
    with transaction.atomic():
        Conversation.objects.select_for_update().only("pk").get(pk=conversation.pk)
        conversation.messages.filter(direction=Direction.INBOUND, read_at=None, pk__lte=up_to.pk).update(
            read_at=timezone.now())
        unread = conversation.messages.filter(direction=Direction.INBOUND, read_at=None).count()
        Conversation.objects.filter(pk=conversation.pk).update(unread=unread)
    conversation.unread = unread


def contact_conversations(contact) -> list[Conversation]:
    """The contact's conversations: those attached to it, and one with its number not attached yet
    (the contact was added after the first text came)."""
    found = Q(contact=contact) | (Q(phone=contact.phone) if contact.phone else Q(pk__in=[]))
    return list(scoped(Conversation, contact.workspace).filter(found).order_by("-last_message_at", "-id"))


def latest_messages(conversation: Conversation, count: int = CONTACT_PANEL_MESSAGES) -> list[SmsMessage]:
    newest = conversation.messages.select_related("author").order_by("-created_at", "-id")[:count]
    return list(reversed(newest))


def unread_count(workspace) -> int:
    return scoped(Conversation, workspace).aggregate(total=Sum("unread"))["total"] or 0


def conversation_for(workspace, phone: str, *, now, contact=None) -> Conversation:
    """The workspace's conversation with `phone`, made on its first text, locked for this transaction,
    and attached to a contact when it has none yet: `contact` (the one the composer texted), else the
    contact with that number (one added since, or the one it had deleted). With several such contacts,
    the oldest: the choice must not change from one text to the next."""
    contact = contact or scoped(Contact, workspace).filter(phone=phone).order_by("pk").first()
    conversation, _ = Conversation.objects.get_or_create(workspace=workspace, phone=phone,
                                                         defaults={"contact": contact, "created_at": now,
                                                                   "last_message_at": now})
    # Locked alone: PostgreSQL refuses FOR UPDATE on the nullable side of the contact's outer join.
    conversation = Conversation.objects.select_for_update(of=("self",)).select_related("contact").get(
        pk=conversation.pk)
    if conversation.contact_id is None and contact is not None:
        Conversation.objects.filter(pk=conversation.pk).update(contact=contact)
        conversation.contact = contact
    return conversation
