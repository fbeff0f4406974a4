"""CRM routes. One factory builds list / create / get / patch for each resource; actions follow."""

from dataclasses import dataclass
from typing import Callable

from ninja import Query, Router, Schema, Status

from hubwire.core.api import ERRORS, api_actor, page_schema
from hubwire.core.api_pages import PageQuery, paginate
from hubwire.core.schema_types import PathId
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.crm import models as m
from hubwire.crm import schemas as s
from hubwire.crm.services import documents, people, scheduling, work

# Fields the API calls `<name>_id` and the services call `<name>`.
REFERENCES = {"account", "contact", "quote", "invoice"}


def service_kwargs(data: dict) -> dict:
    return {(key[:-3] if key.endswith("_id") and key[:-3] in REFERENCES else key): value for key, value in data.items()}


@dataclass
class Resource:
    name: str  # singular, for operation ids
    model: type
    out: type[Schema]
    create_in: type[Schema]
    patch_in: type[Schema]
    create: Callable
    update: Callable  # (obj, actor, **data)
    related: tuple[str, ...] = ()


def crud_router(r: Resource) -> Router:
    router = Router(tags=[r.model._meta.verbose_name_plural.capitalize()])
    Page = page_schema(r.out)

    def queryset(request):
        return scoped(r.model, request.auth.workspace).prefetch_related(*r.related)

    @router.get("", response={200: Page, **ERRORS}, operation_id=f"list_{r.name}s", summary=f"List {r.name}s")
    def list_objects(request, page: Query[PageQuery]):
        return paginate(queryset(request), page)

    @router.post("", response={201: r.out, **ERRORS}, operation_id=f"create_{r.name}", summary=f"Create a {r.name}")
    def create_object(request, payload: r.create_in):
        obj = r.create(workspace=request.auth.workspace, actor=api_actor(request), **service_kwargs(payload.model_dump()))
        return Status(201, queryset(request).get(pk=obj.pk))

    @router.get("/{id}", response={200: r.out, **ERRORS}, operation_id=f"get_{r.name}", summary=f"Get a {r.name}")
    def get_object(request, id: PathId):
        return get_scoped(r.model, request.auth.workspace, id)

    @router.patch("/{id}", response={200: r.out, **ERRORS}, operation_id=f"update_{r.name}", summary=f"Update a {r.name}")
    def update_object(request, id: PathId, payload: r.patch_in):
        obj = get_scoped(r.model, request.auth.workspace, id)
        r.update(obj, api_actor(request), **service_kwargs(payload.model_dump(exclude_unset=True)))
        return queryset(request).get(pk=obj.pk)

    return router


def action(router: Router, r: Resource, verb: str, service: Callable, summary: str) -> None:
    """POST /{id}/<verb>: a status change such as send, accept, void or cancel."""

    @router.post(f"/{{id}}/{verb}", response={200: r.out, **ERRORS}, operation_id=f"{verb}_{r.name}", summary=summary)
    def run(request, id: PathId):
        obj = get_scoped(r.model, request.auth.workspace, id)
        service(obj, api_actor(request))
        return get_scoped(r.model, request.auth.workspace, id)


RESOURCES = {
    "/accounts": Resource("account", m.Account, s.AccountOut, s.AccountIn, s.AccountPatch, people.account_create,
                          lambda o, a, **d: people.account_update(account=o, actor=a, **d)),
    "/contacts": Resource("contact", m.Contact, s.ContactOut, s.ContactIn, s.ContactPatch, people.contact_create,
                          lambda o, a, **d: people.contact_update(contact=o, actor=a, **d)),
    "/leads": Resource("lead", m.Lead, s.LeadOut, s.LeadIn, s.LeadPatch, people.lead_create,
                       lambda o, a, **d: people.lead_update(lead=o, actor=a, **d)),
    "/quotes": Resource("quote", m.Quote, s.QuoteOut, s.QuoteIn, s.QuotePatch, documents.quote_create,
                        lambda o, a, **d: documents.quote_update(quote=o, actor=a, **d), related=("lines",)),
    "/invoices": Resource("invoice", m.Invoice, s.InvoiceOut, s.InvoiceIn, s.InvoicePatch, documents.invoice_create,
                          lambda o, a, **d: documents.invoice_update(invoice=o, actor=a, **d),
                          related=("lines", "payments")),
    "/appointments": Resource("appointment", m.Appointment, s.AppointmentOut, s.AppointmentIn, s.AppointmentPatch,
                              scheduling.appointment_book,
                              lambda o, a, **d: scheduling.appointment_update(appointment=o, actor=a, **d),
                              related=("meeting_link",)),
    "/projects": Resource("project", m.Project, s.ProjectOut, s.ProjectIn, s.ProjectPatch, work.project_create,
                          lambda o, a, **d: work.project_update(project=o, actor=a, **d), related=("milestones",)),
    "/contracts": Resource("contract", m.Contract, s.ContractOut, s.ContractIn, s.ContractPatch, work.contract_create,
                           lambda o, a, **d: work.contract_update(contract=o, actor=a, **d)),
}

routers = {prefix: crud_router(r) for prefix, r in RESOURCES.items()}

quotes, invoices, appointments = RESOURCES["/quotes"], RESOURCES["/invoices"], RESOURCES["/appointments"]
action(routers["/quotes"], quotes, "send", lambda o, a: documents.quote_send(quote=o, actor=a), "Send a draft quote")
action(routers["/quotes"], quotes, "accept", lambda o, a: documents.quote_accept(quote=o, actor=a), "Accept a quote")
action(routers["/quotes"], quotes, "decline", lambda o, a: documents.quote_decline(quote=o, actor=a), "Decline a quote")
action(routers["/invoices"], invoices, "send", lambda o, a: documents.invoice_send(invoice=o, actor=a),
       "Issue a draft invoice (draft → pending)")
action(routers["/invoices"], invoices, "void", lambda o, a: documents.invoice_void(invoice=o, actor=a), "Void an invoice")
action(routers["/invoices"], invoices, "mark-paid", lambda o, a: documents.invoice_mark_paid(invoice=o, actor=a),
       "Mark an invoice paid (records a payment of the balance due)")
action(routers["/appointments"], appointments, "cancel",
       lambda o, a: scheduling.appointment_cancel(appointment=o, actor=a), "Cancel an appointment")


@routers["/invoices"].post("/{id}/payments", response={201: s.PaymentOut, **ERRORS}, operation_id="create_payment",
                           summary="Record a payment against an invoice")
def create_payment(request, id: PathId, payload: s.PaymentIn):
    invoice = get_scoped(m.Invoice, request.auth.workspace, id)
    return Status(201, documents.payment_record(invoice=invoice, actor=api_actor(request), **payload.model_dump()))


@routers["/invoices"].get("/{id}/payments", response={200: list[s.PaymentOut], **ERRORS},
                          operation_id="list_invoice_payments", summary="List an invoice's payments")
def list_payments(request, id: PathId):
    return list(get_scoped(m.Invoice, request.auth.workspace, id).payments.all())


messages = Router(tags=["Messages"])
routers["/messages"] = messages


class MessageFilter(PageQuery):
    account_id: PathId | None = None


@messages.get("", response={200: page_schema(s.MessageOut), **ERRORS}, operation_id="list_messages",
              summary="List messages, optionally of one account's conversation")
def list_messages(request, filters: Query[MessageFilter]):
    qs = scoped(m.Message, request.auth.workspace).select_related("author").order_by("-created_at", "-id")
    if filters.account_id:
        qs = qs.filter(account_id=filters.account_id)
    return paginate(qs, filters)


@messages.post("", response={201: s.MessageOut, **ERRORS}, operation_id="create_message",
               summary="Post a message to an account's conversation (inbound = from the client)")
def create_message(request, payload: s.MessageIn):
    message = work.message_post(workspace=request.auth.workspace, actor=api_actor(request),
                                **service_kwargs(payload.model_dump()))
    return Status(201, message)
