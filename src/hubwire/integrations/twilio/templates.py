"""SMS templates: three built in (an appointment reminder, an invoice reminder, a follow-up) and the
business's own (SmsTemplate), with placeholders filled from the record a text is about.

Placeholders are written `{{contact.first_name}}` (spaces inside the braces allowed). `fill` puts in
every value it can find and names each one it cannot, with the reason, leaving that placeholder in
the text: the composer shows the filled text in its textarea (what is counted is what is sent), and
`unfilled` finds any placeholder still there, so a text is never sent with a blank or a
`{{…}}` where a value belonged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from hubwire.core.errors import FieldError
from hubwire.core.money import format_money
from hubwire.core.text import text_problem
from hubwire.crm.models import Appointment, Contact, Invoice, InvoiceStatus
from hubwire.integrations.twilio import segments
from hubwire.integrations.twilio.models import SmsTemplate
from hubwire.portal.models import PortalAccess

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
OWN_PREFIX = "own-"
NAME_LIMIT = SmsTemplate._meta.get_field("name").max_length


@dataclass(frozen=True)
class BuiltIn:
    name: str
    body: str


# Written in GSM-7 (no curly quotes or dashes) so that each fits the fewest segments once filled.
BUILT_IN: dict[str, BuiltIn] = {
    "appointment_reminder": BuiltIn(
        "Appointment reminder",
        "Hi {{contact.first_name}}, a reminder of your appointment with {{business.name}} on "
        "{{appointment.start}}. Reply to this message if you need to change it."),
    "invoice_reminder": BuiltIn(
        "Invoice reminder",
        "Hi {{contact.first_name}}, invoice {{invoice.number}} from {{business.name}} has {{invoice.balance}} "
        "still to pay. You can pay it here: {{invoice.pay_link}}"),
    "follow_up": BuiltIn(
        "Follow-up",
        "Hi {{contact.first_name}}, thank you for your time today. If you have any questions, reply to this "
        "message and {{business.name}} will get back to you."),
}

# Each placeholder and what it is, as the template editor lists them.
PLACEHOLDERS: dict[str, str] = {
    "contact.first_name": "the contact's first name",
    "appointment.start": "when the appointment starts, in the appointment's time zone",
    "invoice.number": "the invoice's number",
    "invoice.balance": "what is still to pay on the invoice",
    "invoice.pay_link": "the invoice's page in the Client Portal, where the client pays it",
    "business.name": "your business's name (the workspace's)",
}


@dataclass(frozen=True)
class Missing:
    placeholder: str
    why: str

    def __str__(self) -> str:
        return f"{{{{{self.placeholder}}}}}: {self.why}"


@dataclass(frozen=True)
class Filled:
    text: str
    missing: tuple[Missing, ...]


@dataclass(frozen=True)
class Records:
    """What a text is about: the contact, and optionally one of their appointments or invoices."""

    workspace: object
    contact: Contact | None = None
    appointment: Appointment | None = None
    invoice: Invoice | None = None


# --- choosing a template -----------------------------------------------------------------------

def own_key(template: SmsTemplate) -> str:
    return f"{OWN_PREFIX}{template.pk}"


def own_templates(workspace):
    return SmsTemplate.objects.filter(workspace=workspace).order_by("name", "pk")


def choices(workspace) -> list[tuple[str, str]]:
    """(key, name) of every template the workspace may choose: the built-in ones, then its own."""
    return ([(key, template.name) for key, template in BUILT_IN.items()]
            + [(own_key(template), template.name) for template in own_templates(workspace)])


def template_text(workspace, key: str) -> tuple[str, str]:
    """(name, body) of the template `key`; a key that is neither built in nor the workspace's own is a
    field error (another workspace's template is as unknown as a made-up one)."""
    if key in BUILT_IN:
        return BUILT_IN[key].name, BUILT_IN[key].body
    if key.startswith(OWN_PREFIX) and key[len(OWN_PREFIX):].isdigit():
        found = own_templates(workspace).filter(pk=int(key[len(OWN_PREFIX):])).first()
        if found is not None:
            return found.name, found.body
    raise FieldError({"template": "Choose one of the templates listed, or write your own message."})


# --- filling placeholders -----------------------------------------------------------------------

def placeholders_in(text: str) -> list[str]:
    """The placeholders written in `text`, each once, in order."""
    return list(dict.fromkeys(match.group(1) for match in PLACEHOLDER.finditer(text)))


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def fill(text: str, records: Records) -> Filled:
    missing: dict[str, Missing] = {}

    def value(match: re.Match) -> str:
        name = match.group(1)
        found, why = _value(name, records)
        if found:
            return found
        missing.setdefault(name, Missing(name, why))
        return match.group(0)

    return Filled(PLACEHOLDER.sub(value, text), tuple(missing.values()))


def unfilled(text: str, records: Records) -> list[Missing]:
    """The placeholders still in a text about to be sent, each with why it has no value (or, when it
    has one now, that the template must be chosen again to put it in)."""
    found = []
    for name in placeholders_in(text):
        value, why = _value(name, records)
        found.append(Missing(name, why if not value else "not filled in: choose the template again to fill it"))
    return found


def _value(name: str, records: Records) -> tuple[str, str]:
    """(the value, "") or ("", why there is none)."""
    if name not in PLACEHOLDERS:
        return "", f"hubwire has no such placeholder (it knows {', '.join(PLACEHOLDERS)})"
    if name == "business.name":
        return (records.workspace.name, "") if records.workspace.name.strip() else \
            ("", "the workspace has no name; set it on the Team page")
    thing, field = name.split(".")
    if thing == "contact":
        if records.contact is None:
            return "", "choose the contact the message is for"
        first_name = records.contact.first_name.strip()
        return (first_name, "") if first_name else ("", f"{records.contact} has no first name")
    if thing == "appointment":
        if records.appointment is None:
            return "", "choose the appointment the message is about"
        return appointment_start(records.appointment), ""
    if records.invoice is None:
        return "", "choose the invoice the message is about"
    invoice = records.invoice
    if field == "number":
        return invoice.number, ""
    if field == "balance":
        return format_money(invoice.balance_due, invoice.currency), ""
    return pay_link(invoice)


def appointment_start(appointment: Appointment) -> str:
    """When it starts, as the person at the appointment reads it: in the appointment's own zone,
    with the zone's abbreviation ("Tue, Jan 7, 2030 at 10:00 AM EST")."""
    try:
        zone = ZoneInfo(appointment.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = appointment.start.astimezone(zone)
    day = f"{local:%a}, {local:%b} {local.day}, {local.year}"
    if appointment.all_day:
        return f"{day} (all day)"
    hour = local.hour % 12 or 12
    return f"{day} at {hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'} {local.tzname()}"


def pay_link(invoice: Invoice) -> tuple[str, str]:
    """(the invoice's page in the Client Portal, where its Pay button is, ""), or ("", why the client
    could not pay it there)."""
    if invoice.status == InvoiceStatus.DRAFT:
        return "", f"invoice {invoice.number} is a draft; clients see it in the portal once it is sent"
    if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.VOID) or invoice.balance_due <= 0:
        return "", f"invoice {invoice.number} has nothing left to pay"
    if not PortalAccess.is_on(invoice.account_id):
        return "", (f"the Client Portal is off for {invoice.account}; turn it on (Client Portal tab) so the "
                    "client can pay there")
    return settings.HUBWIRE_BASE_URL + reverse("portal:invoice", args=[invoice.workspace_id, invoice.pk]), ""


# --- the business's own templates ------------------------------------------------------------------

def _clean(workspace, data: dict, instance: SmsTemplate | None) -> dict:
    errors = {}
    name = " ".join(str(data.get("name") or "").split())
    body = segments.line_breaks_as_typed(str(data.get("body") or ""))
    if not name:
        errors["name"] = "Give the template a name."
    elif problem := text_problem(name):
        errors["name"] = f"The name {problem}."
    elif len(name) > NAME_LIMIT:
        errors["name"] = f"Keep the name to {NAME_LIMIT} characters."
    elif name.casefold() in {t.name.casefold() for t in BUILT_IN.values()}:
        errors["name"] = f"“{name}” is a built-in template's name; choose another."
    elif own_templates(workspace).filter(name__iexact=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"] = f"There is already a template called “{name}”."
    if not body.strip():
        errors["body"] = "Write the template's message."
    elif problem := text_problem(body):
        errors["body"] = f"The message {problem}."
    elif segments.too_long(body):
        errors["body"] = "Twilio takes at most 1,600 characters in one message; shorten the template."
    elif unknown := unknown_placeholders(body):
        errors["body"] = (f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: "
                          f"{', '.join('{{' + name + '}}' for name in unknown)}. "
                          f"Use {', '.join('{{' + name + '}}' for name in PLACEHOLDERS)}.")
    if errors:
        raise FieldError(errors)
    return {"name": name, "body": body}


def sms_template_create(*, workspace, data: dict) -> SmsTemplate:
    values = _clean(workspace, data, None)
    try:
        with transaction.atomic():
            return SmsTemplate.objects.create(workspace=workspace, **values)
    except IntegrityError:  # the same name saved a moment ago by someone else
        raise FieldError({"name": f"There is already a template called “{values['name']}”."}) from None


def sms_template_update(*, template: SmsTemplate, data: dict) -> SmsTemplate:
    values = _clean(template.workspace, data, template)
    try:
        with transaction.atomic():
            SmsTemplate.objects.filter(pk=template.pk).update(**values)
    except IntegrityError:
        raise FieldError({"name": f"There is already a template called “{values['name']}”."}) from None
    template.name, template.body = values["name"], values["body"]
    return template


def sms_template_delete(*, template: SmsTemplate) -> None:
    template.delete()
