"""Writing a text to send: who it goes to, what it says, and every check before it is queued.

The number is E.164, or a contact's (chosen by name), or one typed in local form and read in the
region HUBWIRE_DEFAULT_PHONE_REGION names (core/formats.py, the CRM's own phone reading). The text is
counted by segments.py after `line_breaks_as_typed`, which is what the page's counter showed, and
that count is recorded on the message. A refusal names its field and writes nothing: no message
text, a text over Twilio's 1,600, a placeholder left unfilled, a number that is not one, no sender
chosen on the SMS tab, a number that opted out. What passes is one SmsMessage (status "waiting") in
the number's conversation and one SmsSend job, committed together; the job sends it (send.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.core.formats import phone_in_e164, phone_problem
from hubwire.core.tenancy import resolve_reference
from hubwire.core.text import text_problem
from hubwire.crm.models import Appointment, Contact, Invoice
from hubwire.integrations.twilio import optout, segments, send
from hubwire.integrations.twilio.config import active_connection, config_of
from hubwire.integrations.twilio.conversations import conversation_for
from hubwire.integrations.twilio.models import Conversation, Direction, SmsMessage, SmsStatus
from hubwire.integrations.twilio.templates import Records, template_text, unfilled

BODY_LIMIT = 1600  # Twilio's, providers.md §6.1 (segments.too_long counts it)
EMPTY_BODY = "Write a message, or choose a template."
EMPTY_REPLY = "Write the reply to send."


@dataclass(frozen=True)
class Recipient:
    phone: str  # E.164
    contact: Contact | None


def records_of(workspace, *, contact=None, appointment=None, invoice=None) -> Records:
    """The records a text is about, from ids (or objects) given by the person: each must be this
    workspace's, and an appointment or invoice must be the chosen contact's."""
    errors, found = {}, {}
    for field, model, value in (("contact", Contact, contact), ("appointment", Appointment, appointment),
                                ("invoice", Invoice, invoice)):
        try:
            found[field] = resolve_reference(model, workspace, value, field=field)
        except FieldError as exc:
            errors.update(exc.errors)
    chosen = found.get("contact")
    if chosen is not None:
        if found.get("appointment") is not None and found["appointment"].contact_id not in (None, chosen.pk):
            errors["appointment"] = f"This appointment is not {chosen}'s; choose one of theirs."
        owned = found.get("invoice")
        if owned is not None and owned.contact_id != chosen.pk and (
                owned.contact_id is not None or owned.account_id != chosen.account_id):
            errors["invoice"] = f"Invoice {owned.number} is not {chosen}'s; choose one of theirs."
    if errors:
        raise FieldError(errors)
    return Records(workspace=workspace, **found)


def recipient(workspace, to: str, contact: Contact | None) -> Recipient:
    """The number to text: the one typed (E.164, or local form read in the default region), else the
    chosen contact's. A number with no contact chosen is attached to the contact who has it, when
    exactly one does."""
    typed = (to or "").strip()
    if not typed:
        if contact is None:
            raise FieldError({"to": "Type a phone number, or choose a contact."})
        if not contact.phone:
            raise FieldError({"to": f"{contact} has no phone number in hubwire; type one, or add it to the contact."})
        typed = contact.phone
    phone = phone_in_e164(typed)
    if phone is None:
        raise FieldError({"to": phone_problem(typed)})
    if contact is None:
        having = list(Contact.objects.filter(workspace=workspace, phone=phone)[:2])
        contact = having[0] if len(having) == 1 else None
    return Recipient(phone, contact)


def sender_problem(workspace) -> str:
    """Why nothing can be sent from this workspace yet, in words, or ""."""
    connection = active_connection(workspace)
    if connection is None:
        return "Twilio is not connected: paste your Account SID and Auth Token on the SMS tab first."
    if not config_of(connection).ready:
        return "Choose the number or Messaging Service that sends your texts, on the SMS tab, first."
    return ""


def body_problem(body: str, records: Records) -> str:
    """Why this text cannot be sent as it is, or ""."""
    if not body.strip():
        return EMPTY_BODY
    if problem := text_problem(body):
        return f"The message {problem}."
    if segments.too_long(body):
        over = len(body.encode("utf-16-le")) // 2 - BODY_LIMIT  # UTF-16 units, as too_long counts
        return f"Too long: Twilio takes at most {BODY_LIMIT:,} characters in one message. Shorten it by {over:,}."
    if missing := unfilled(body, records):
        return "Fill in before sending: " + "; ".join(str(m) for m in missing) + "."
    return ""


def sms_send(*, workspace, to: str, body: str, author=None, contact=None, appointment=None, invoice=None,
             template: str = "", automated: bool = False) -> SmsMessage:
    """Queue one text; every problem with what was given is raised at once (FieldError), before
    anything is written."""
    errors: dict[str, str] = {}
    body = segments.line_breaks_as_typed(body or "")
    try:
        records = records_of(workspace, contact=contact, appointment=appointment, invoice=invoice)
    except FieldError as exc:
        errors.update(exc.errors)
        records = Records(workspace=workspace)
    if template:
        try:
            template_text(workspace, template)
        except FieldError as exc:
            errors.update(exc.errors)
    if problem := body_problem(body, records):
        errors["body"] = problem
    found = None
    try:
        found = recipient(workspace, to, records.contact)
    except FieldError as exc:
        errors.update(exc.errors)
    if found is not None and (refused := optout.refusal(workspace, found.phone)):
        errors["to"] = refused
    if problem := sender_problem(workspace):
        errors["sender"] = problem
    if errors:
        raise FieldError(errors)
    count = segments.segments(body)
    sender = config_of(active_connection(workspace)).sender
    with transaction.atomic():
        now = timezone.now()
        conversation = conversation_for(workspace, found.phone, now=now, contact=found.contact)
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=Greatest(F("last_message_at"), now))
        message = SmsMessage.objects.create(
            workspace=workspace, conversation=conversation, direction=Direction.OUTBOUND, body=body,
            segments=count.segments, encoding=count.encoding, status=SmsStatus.WAITING, sender=sender,
            template=template, automated=automated, author=author)
        send.queue(message)
    return message


def send_reply(conversation: Conversation, body: str, author) -> SmsMessage:
    """A reply typed in a conversation: a text to its number, about its contact. It is refused as
    the composer refuses, field by field: the number's refusal (an opt-out) on "to", a missing
    sender on "sender", the text's own on "body"."""
    try:
        return sms_send(workspace=conversation.workspace, to=conversation.phone, body=body, author=author,
                        contact=conversation.contact_id)
    except FieldError as exc:
        if "body" in exc.errors and not (body or "").strip():
            raise FieldError({**exc.errors, "body": EMPTY_REPLY}) from None  # the reply box offers no templates
        raise
