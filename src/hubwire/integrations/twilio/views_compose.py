"""The SMS composer's pages and actions, under /integrations/twilio/ (compose_urls.py): the composer
(on the SMS tab, on a contact's page, and on a page of its own), filling a template from the chosen
records (the preview: the text it puts in the message box is what will be sent), finding a
contact by name, sending, a sent text's status line, and the business's own templates.

Any member of the workspace may use them: writing texts and their templates is the team's daily
work; connecting Twilio and choosing the sender are the owners' (the SMS tab). Another workspace's
contact, appointment, invoice, template or text is a 404 (or, given in a form, a field error).

A refusal is answered 422 with the form showing each field's error; to htmx it is a 200 carrying the
same form, since htmx swaps in only 2xx answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.contrib import messages as flash
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.formats import phone_in_e164
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.crm.models import Appointment, AppointmentStatus, Contact, Invoice, InvoiceStatus
from hubwire.integrations.twilio import compose, optout, templates
from hubwire.integrations.twilio.config import active_connection, config_of
from hubwire.integrations.twilio.models import FINAL, Direction, SmsMessage, SmsTemplate

COMPOSER = "twilio/_composer.html"
COMPOSE_PAGE = "twilio/compose_page.html"
TEMPLATES_PAGE = "twilio/templates_page.html"
TEMPLATE_EDIT = "twilio/template_edit.html"
CHOICES_SHOWN = 20   # the contact's appointments and invoices offered, nearest first
CONTACTS_FOUND = 10  # names listed for one search


@dataclass
class Composer:
    """What the composer form shows."""

    dom_id: str
    textarea_id: str
    values: dict
    contact: Contact | None = None
    fixed_contact: bool = False   # on a contact's page: the contact is not chosen here
    errors: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)
    sent: SmsMessage | None = None
    found_contacts: list = field(default_factory=list)
    searched: bool = False
    next_url: str = ""
    workspace: object = None

    @property
    def to_value(self) -> str:
        """The To box: what was typed, else the chosen contact's number."""
        return self.values.get("to") or (self.contact.phone if self.contact else "")

    @property
    def region(self) -> str:
        """Where a number typed without its country code is read (core/formats.py)."""
        return settings.HUBWIRE_DEFAULT_PHONE_REGION

    @cached_property
    def template_choices(self):
        return templates.choices(self.workspace)

    @cached_property
    def sender(self) -> str:
        config = config_of(active_connection(self.workspace))
        return config.sender_label or config.sender

    @cached_property
    def sender_problem(self) -> str:
        return compose.sender_problem(self.workspace)

    @cached_property
    def appointments(self):
        if self.contact is None:
            return []
        return list(scoped(Appointment, self.workspace).filter(
            contact=self.contact, status=AppointmentStatus.SCHEDULED,
            end__gte=timezone.now()).order_by("start")[:CHOICES_SHOWN])

    @cached_property
    def invoices(self):
        if self.contact is None:
            return []
        theirs = Q(contact=self.contact) | Q(contact=None, account_id=self.contact.account_id) \
            if self.contact.account_id else Q(contact=self.contact)
        return list(scoped(Invoice, self.workspace).filter(theirs).exclude(status=InvoiceStatus.VOID)
                    .order_by("-created_at")[:CHOICES_SHOWN])

    @cached_property
    def opted_out(self) -> str:
        """The composer says at once when the number typed (or the contact's) opted out."""
        typed = self.to_value
        phone = phone_in_e164(typed) if typed else None
        return optout.refusal(self.workspace, phone) if phone else ""


def composer_for(request, *, data=None, contact: Contact | None = None, fixed_contact: bool = False,
                 **shown) -> Composer:
    """The composer for the request's workspace, showing `data` (a form's values) as given."""
    data = data if data is not None else {}
    values = {name: str(data.get(name, "") or "") for name in ("to", "template", "appointment", "invoice", "body",
                                                                "q")}
    if contact is None and data.get("contact"):
        contact = scoped(Contact, request.workspace).filter(pk=_int(data.get("contact"))).first()
    suffix = f"-contact-{contact.pk}" if fixed_contact and contact else ""
    shown.setdefault("next_url", _next_url(request, data))
    return Composer(dom_id=f"sms-compose{suffix}", textarea_id=f"sms-body{suffix}", values=values, contact=contact,
                    fixed_contact=fixed_contact, workspace=request.workspace, **shown)


def contact_composer(request, contact: Contact) -> Composer:
    return composer_for(request, contact=contact, fixed_contact=True,
                        next_url=reverse("crm:detail", args=["contacts", contact.pk]))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _next_url(request, data) -> str:
    wanted = str(data.get("next") or "")
    # Only a path on this site: a posted `next` must not send anyone elsewhere.
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("integrations:tab", args=["twilio"])


def _show(request, composer: Composer, *, status: int = 200):
    """The composer alone to htmx (always 200: htmx swaps only 2xx), else on its own page."""
    if request.htmx:
        return render(request, COMPOSER, {"composer": composer})
    return render(request, COMPOSE_PAGE, {"composer": composer}, status=status)


def _posted_composer(request) -> Composer:
    fixed = request.POST.get("fixed_contact") == "1"
    return composer_for(request, data=request.POST, fixed_contact=fixed)


# --- the composer -------------------------------------------------------------------------------------

@require_GET
@workspace_required
def compose_page(request):
    """The composer on a page of its own (where the SMS tab's and the contact card's forms land
    without JavaScript); ?q= finds contacts, ?contact= starts with one."""
    composer = composer_for(request, data=request.GET)
    if "q" in request.GET:
        composer.found_contacts, composer.searched = _contacts_named(request.workspace, request.GET["q"]), True
    return _show(request, composer)


@require_GET
@workspace_required
def contacts(request):
    """The contacts whose name (or number) matches ?q=, as buttons that choose one."""
    composer = composer_for(request, data=request.GET, fixed_contact=request.GET.get("fixed_contact") == "1")
    composer.found_contacts, composer.searched = _contacts_named(request.workspace, request.GET.get("q", "")), True
    return render(request, "twilio/_contact_choices.html", {"composer": composer})


def _contacts_named(workspace, query: str) -> list[Contact]:
    words = query.split()[:4]
    if not words:  # (a NUL in a query string never gets here: core/middleware.py answers 400)
        return []
    found = scoped(Contact, workspace)
    for word in words:
        found = found.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(phone__contains=word))
    return list(found.select_related("account").order_by("first_name", "last_name", "pk")[:CONTACTS_FOUND])


@require_POST
@workspace_required
def fill(request):
    """The composer again with the chosen template filled from the chosen records (the preview): the
    message box gets the text that will be sent, and every value still missing is named. Choosing a
    contact also puts their number in the To box when it is empty."""
    composer = _posted_composer(request)
    try:
        records = compose.records_of(request.workspace, contact=request.POST.get("contact") or None,
                                     appointment=request.POST.get("appointment") or None,
                                     invoice=request.POST.get("invoice") or None)
    except FieldError as exc:
        composer.errors = exc.errors
        return _show(request, composer, status=422)
    if records.contact is not None and not composer.values["to"]:
        composer.values["to"] = records.contact.phone
    key = composer.values["template"]
    if key:
        try:
            _, text = templates.template_text(request.workspace, key)
        except FieldError as exc:
            composer.errors = exc.errors
            return _show(request, composer, status=422)
        filled = templates.fill(text, records)
        composer.values["body"], composer.missing = filled.text, list(filled.missing)
    return _show(request, composer)


@require_POST
@workspace_required
def send(request):
    composer = _posted_composer(request)
    try:
        message = compose.sms_send(
            workspace=request.workspace, to=request.POST.get("to", ""), body=request.POST.get("body", ""),
            author=request.user, contact=request.POST.get("contact") or None,
            appointment=request.POST.get("appointment") or None, invoice=request.POST.get("invoice") or None,
            template=request.POST.get("template", ""))
    except FieldError as exc:
        composer.errors = exc.errors
        return _show(request, composer, status=422)
    words = f"Text to {message.conversation.phone} queued; it goes as {message.segments} segment" \
            f"{'' if message.segments == 1 else 's'} ({message.encoding})."
    if request.htmx:  # a fresh composer (the contact kept on their page) saying what happened
        fresh = composer_for(request, contact=composer.contact if composer.fixed_contact else None,
                             fixed_contact=composer.fixed_contact, sent=message, next_url=composer.next_url)
        return render(request, COMPOSER, {"composer": fresh})
    flash.success(request, words)
    return redirect(composer.next_url)


@require_GET
@workspace_required
def message_status(request, message_id: int):
    """A sent text's status line (it refreshes itself until the status is final)."""
    message = get_scoped(SmsMessage, request.workspace, message_id)
    if message.direction != Direction.OUTBOUND:
        raise Http404("Only a text hubwire sent has a status line.")
    return render(request, "twilio/_sms_status.html", {"message": message, "final": message.status in FINAL})


# --- the business's own templates ---------------------------------------------------------------------

def _templates_page(request, *, errors=None, posted=None, status: int = 200):
    return render(request, TEMPLATES_PAGE, {
        "built_in": templates.BUILT_IN, "own": templates.own_templates(request.workspace),
        "placeholders": templates.PLACEHOLDERS, "errors": errors or {}, "posted": posted or {}}, status=status)


@require_GET
@workspace_required
def templates_page(request):
    return _templates_page(request)


@require_POST
@workspace_required
def template_new(request):
    try:
        created = templates.sms_template_create(workspace=request.workspace, data=request.POST)
    except FieldError as exc:
        return _templates_page(request, errors=exc.errors, posted=request.POST, status=422)
    flash.success(request, f"Template “{created.name}” saved; it is offered in the composer.")
    return redirect("integrations:twilio_templates")


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required
def template_edit(request, template_id: int):
    template = get_scoped(SmsTemplate, request.workspace, template_id)
    errors, posted, status = {}, {"name": template.name, "body": template.body}, 200
    if request.method == "POST":
        try:
            templates.sms_template_update(template=template, data=request.POST)
        except FieldError as exc:
            errors, posted, status = exc.errors, request.POST, 422
        else:
            flash.success(request, f"Template “{template.name}” saved.")
            return redirect("integrations:twilio_templates")
    return render(request, TEMPLATE_EDIT, {"template": template, "errors": errors, "posted": posted,
                                           "placeholders": templates.PLACEHOLDERS}, status=status)


@require_POST
@workspace_required
def template_delete(request, template_id: int):
    template = get_scoped(SmsTemplate, request.workspace, template_id)
    templates.sms_template_delete(template=template)
    flash.success(request, f"Template “{template.name}” deleted. Texts already sent with it are kept.")
    return redirect("integrations:twilio_templates")
