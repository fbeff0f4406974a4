"""STUB in branch sms-send, until sms-inbound's optout.py lands (its functions, same names and
arguments: the contract between the two). Only what sending needs: whether a number opted out, the
words the composer shows, and recording Twilio's 21610 in the ledger."""

from django.db import transaction

from hubwire.integrations.twilio.models import Conversation, OptOutChange


def refusal(workspace, phone: str) -> str:
    """'' when `phone` may be texted; otherwise the words the composer shows."""
    if Conversation.objects.filter(workspace=workspace, phone=phone, opted_out=True).exists():
        return (f"{phone} replied STOP and has opted out of your texts. They must reply START before you can "
                "text them again.")
    return ""


def record(conversation: Conversation, *, opted_out: bool, source: str, message=None) -> OptOutChange:
    """The number opted out (or back in): the conversation says so and the ledger says when and why."""
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(opted_out=opted_out)
        conversation.opted_out = opted_out
        return OptOutChange.objects.create(workspace_id=conversation.workspace_id, conversation=conversation,
                                           opted_out=opted_out, source=source, message=message)
