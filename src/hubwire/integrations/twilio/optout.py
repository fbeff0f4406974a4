"""Opt-outs (providers.md §6.3): a person who texts STOP gets no more texts from the business until
they text START. Twilio blocks the pair itself and refuses later sends with 21610; hubwire keeps its
own record so that the composer refuses before anything is sent, and so that a 21610 arriving from
Twilio (an opt-out made elsewhere, e.g. through a Messaging Service's other number) is recorded too.

Every change of a conversation's state is a row of the ledger (OptOutChange): when, what said so (the
keyword, "21610", or "person") and which message. A repeated STOP changes nothing and adds no row."""

from __future__ import annotations

import unicodedata
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from hubwire.integrations.twilio.models import Conversation, OptOutChange, SmsMessage

# Twilio's default keywords for long codes and toll-free numbers (support.twilio.com/…/223134027).
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
TWILIO_REFUSED = "21610"
OPT_IN_WORDS = "START (or YES, UNSTOP)"


def keyword_of(body: str) -> str:
    """The opt-out or opt-in keyword a message is, upper case, or "". Only a message of that one word
    counts ("stop please" is a sentence, not a request), in any case, with the spaces, line breaks
    and punctuation around it left out ("Stop." and " STOP!\\n" count)."""
    text = unicodedata.normalize("NFKC", body or "")  # full-width "ＳＴＯＰ" is STOP too
    around = "".join({c for c in text if _is_space_or_punctuation(c)})
    word = text.strip(around).upper()
    return word if word in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS else ""


def _is_space_or_punctuation(character: str) -> bool:
    return character.isspace() or unicodedata.category(character)[0] in "PZC"


def apply_keyword(conversation: Conversation, message: SmsMessage) -> OptOutChange | None:
    """Act on a received message that is a keyword: opted out at once on STOP and its kin, back in on
    START, YES or UNSTOP. The change, or None when the message is no keyword or changes nothing."""
    keyword = keyword_of(message.body)
    if not keyword:
        return None
    return record(conversation, opted_out=keyword in OPT_OUT_KEYWORDS, source=keyword, message=message)


def record(conversation: Conversation, *, opted_out: bool, source: str,
           message: SmsMessage | None = None) -> OptOutChange | None:
    """Set the conversation's opt-out state and write the ledger row, in one transaction, under the
    conversation's row lock (a STOP and a START processed at once leave state and ledger agreeing).
    `source` is the keyword, "21610" (Twilio refused a send) or "person". None when the state was
    already that: the ledger holds changes only."""
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().only("opted_out").get(pk=conversation.pk)
        conversation.opted_out = locked.opted_out
        if locked.opted_out == opted_out:
            return None
        Conversation.objects.filter(pk=conversation.pk).update(opted_out=opted_out)
        conversation.opted_out = opted_out
        return OptOutChange.objects.create(workspace_id=conversation.workspace_id, conversation=conversation,
                                           opted_out=opted_out, source=source[:40], message=message,
                                           at=timezone.now())


def latest_change(conversation: Conversation) -> OptOutChange | None:
    return conversation.opt_out_changes.order_by("-at", "-id").first()


def refusal(workspace, phone: str) -> str:
    """Why the composer must not text `phone` (E.164) in this workspace, in words; "" when it may."""
    conversation = Conversation.objects.filter(workspace=workspace, phone=phone, opted_out=True).first()
    if conversation is None:
        return ""
    change = latest_change(conversation)
    when = _day(change.at, workspace) if change else ""
    if change is None:  # set outside record() (the admin): no ledger row to tell when
        why = f"{phone} has opted out of your texts"
    elif change.source == TWILIO_REFUSED:
        why = f"Twilio refused a text to {phone} on {when} because it has opted out (error 21610)"
    elif change.source == "person":
        why = f"{phone} was marked as opted out on {when}"
    else:
        why = f"{phone} opted out of your texts by replying {change.source} on {when}"
    return f"{why}. hubwire sends it nothing until it texts {OPT_IN_WORDS} to your number."


def _day(moment, workspace) -> str:
    return f"{moment.astimezone(ZoneInfo(workspace.time_zone)):%-d %b %Y}"
