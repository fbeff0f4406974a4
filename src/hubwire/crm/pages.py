"""What the CRM pages show and do, per resource. The views in views.py are driven by this map."""

from dataclasses import dataclass, field
from typing import Callable

from hubwire.crm import forms as f
from hubwire.crm import models as m
from hubwire.crm.services import documents, people, scheduling, work


@dataclass
class Action:
    name: str  # the URL segment: /invoices/3/send/
    label: str
    run: Callable  # (obj, actor) -> obj
    available: Callable  # (obj) -> bool
    style: str = "primary"
    confirm: Callable | None = None  # (obj) -> the question asked first, saying what will happen; None acts at once


@dataclass
class PageResource:
    key: str  # URL segment and template context name, e.g. "leads"
    model: type
    form: type
    create: Callable  # (workspace, actor, **data)
    update: Callable  # (obj, actor, **data)
    columns: list[tuple[str, str]]  # (heading, attribute path)
    actions: list[Action] = field(default_factory=list)
    has_lines: bool = False
    search: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @property
    def singular(self) -> str:
        return self.model._meta.verbose_name

    @property
    def plural(self) -> str:
        return self.model._meta.verbose_name_plural


def status_is(*statuses):
    return lambda obj: obj.status in statuses


def void_question(invoice) -> str:
    return f"Void invoice {invoice.number}? It can no longer be paid, here or online. This cannot be undone."


def cancel_question(appointment) -> str:
    from hubwire.integrations.meetings.services import meeting_host_for  # the page shows its meeting too

    host = meeting_host_for(appointment)
    meeting = f" Its {host.name} meeting will be deleted." if host else ""
    return f"Cancel this appointment?{meeting} This cannot be undone."


Q, I, A = m.QuoteStatus, m.InvoiceStatus, m.AppointmentStatus

RESOURCES: dict[str, PageResource] = {
    r.key: r
    for r in [
        PageResource("accounts", m.Account, f.AccountForm, people.account_create,
                     lambda o, a, **d: people.account_update(account=o, actor=a, **d),
                     [("Name", "name"), ("Email", "email"), ("Phone", "phone"), ("Website", "website")],
                     search=("name__icontains", "email__icontains")),
        PageResource("contacts", m.Contact, f.ContactForm, people.contact_create,
                     lambda o, a, **d: people.contact_update(contact=o, actor=a, **d),
                     [("Name", "name"), ("Account", "account"), ("Email", "email"), ("Phone", "phone")],
                     search=("first_name__icontains", "last_name__icontains", "email__icontains"), related=("account",)),
        PageResource("leads", m.Lead, f.LeadForm, people.lead_create,
                     lambda o, a, **d: people.lead_update(lead=o, actor=a, **d),
                     [("Name", "name"), ("Company", "company"), ("Status", "get_status_display"), ("Source", "source")],
                     search=("name__icontains", "company__icontains", "email__icontains")),
        PageResource("quotes", m.Quote, f.QuoteForm, documents.quote_create,
                     lambda o, a, **d: documents.quote_update(quote=o, actor=a, **d),
                     [("Number", "number"), ("Title", "title"), ("Account", "account"), ("Status", "get_status_display"),
                      ("Total", "total")],
                     actions=[
                         Action("send", "Mark sent", lambda o, a: documents.quote_send(quote=o, actor=a), status_is(Q.DRAFT)),
                         Action("accept", "Accept", lambda o, a: documents.quote_accept(quote=o, actor=a),
                                status_is(Q.DRAFT, Q.SENT)),
                         Action("decline", "Decline", lambda o, a: documents.quote_decline(quote=o, actor=a),
                                status_is(Q.DRAFT, Q.SENT), "secondary"),
                     ],
                     has_lines=True, search=("number__icontains", "title__icontains"), related=("account",)),
        PageResource("invoices", m.Invoice, f.InvoiceForm, documents.invoice_create,
                     lambda o, a, **d: documents.invoice_update(invoice=o, actor=a, **d),
                     [("Number", "number"), ("Account", "account"), ("Status", "get_status_display"), ("Total", "total"),
                      ("Due", "due_date")],
                     actions=[
                         Action("send", "Issue invoice", lambda o, a: documents.invoice_send(invoice=o, actor=a),
                                status_is(I.DRAFT)),
                         Action("mark-paid", "Mark paid", lambda o, a: documents.invoice_mark_paid(invoice=o, actor=a),
                                status_is(I.DRAFT, I.PENDING)),
                         Action("void", "Void", lambda o, a: documents.invoice_void(invoice=o, actor=a),
                                status_is(I.DRAFT, I.PENDING), "danger", confirm=void_question),
                     ],
                     has_lines=True, search=("number__icontains",), related=("account",)),
        PageResource("appointments", m.Appointment, f.AppointmentForm, scheduling.appointment_book,
                     lambda o, a, **d: scheduling.appointment_update(appointment=o, actor=a, **d),
                     [("Title", "title"), ("Start", "start"), ("Contact", "contact"), ("Where", "get_location_type_display"),
                      ("Status", "get_status_display")],
                     actions=[Action("cancel", "Cancel appointment",
                                     lambda o, a: scheduling.appointment_cancel(appointment=o, actor=a),
                                     status_is(A.SCHEDULED), "danger", confirm=cancel_question)],
                     search=("title__icontains",), related=("contact",)),
        PageResource("projects", m.Project, f.ProjectForm, work.project_create,
                     lambda o, a, **d: work.project_update(project=o, actor=a, **d),
                     [("Name", "name"), ("Account", "account"), ("Status", "get_status_display"), ("Due", "due_date")],
                     search=("name__icontains",), related=("account",)),
        PageResource("contracts", m.Contract, f.ContractForm, work.contract_create,
                     lambda o, a, **d: work.contract_update(contract=o, actor=a, **d),
                     [("Title", "title"), ("Account", "account"), ("Status", "get_status_display"), ("Value", "value_amount")],
                     search=("title__icontains",), related=("account",)),
    ]
}
