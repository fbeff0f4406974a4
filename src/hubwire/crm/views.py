"""CRM pages: list / detail / create / edit for every resource in pages.RESOURCES, its actions,
and the account conversations. Views stay thin: access check, one service call, render."""

from functools import reduce
from operator import or_

from django.contrib import messages as flash
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.money import to_minor
from hubwire.core.query import id_param, page_of, thread_page
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.crm import forms as f
from hubwire.crm.models import Account, Activity, Message, MessageDirection, Milestone, Project
from hubwire.crm.pages import RESOURCES, PageResource
from hubwire.crm.panels import render_panels
from hubwire.crm.services.common import Conflict
from hubwire.crm.services.documents import payment_record
from hubwire.crm.services.work import conversation_mark_read, message_post, milestone_add, milestone_complete

def resource_or_404(key: str) -> PageResource:
    try:
        return RESOURCES[key]
    except KeyError:
        raise Http404 from None


def actor(request) -> str:
    return request.user.email


@workspace_required
def object_list(request, key: str):
    r = resource_or_404(key)
    qs = scoped(r.model, request.workspace)
    if r.related:
        qs = qs.select_related(*r.related)
    query = request.GET.get("q", "").strip()
    if query and r.search:
        qs = qs.filter(reduce(or_, (Q(**{lookup: query}) for lookup in r.search)))
    status = request.GET.get("status", "")
    status_field = r.model._meta.get_field("status") if hasattr(r.model, "status") else None
    if status and status_field:
        qs = qs.filter(status=status)
    # One account's (the "All …" links of an account's page); an id that names no row matches none.
    account = None
    if "account" in request.GET and any(f.name == "account" for f in r.model._meta.get_fields()):
        account_id = id_param(request.GET["account"])
        account = scoped(Account, request.workspace).filter(pk=account_id).first() if account_id else None
        qs = qs.filter(account=account) if account else qs.none()
    template = "crm/_list_rows.html" if request.htmx else "crm/list.html"
    return render(request, template, {
        "r": r, "page": page_of(request, qs), "query": query, "status": status,
        "statuses": status_field.choices if status_field else None, "account": account,
    })


def apply_field_errors(exc: FieldError, form, formset=None) -> None:
    """Show the service's errors at their fields (the form's own, handed over as Unreadable, are there already)."""
    for key, msg in exc.errors.items():
        head, _, rest = key.partition(".")
        if head == "lines" and formset is not None and rest:
            index, _, name = rest.partition(".")
            if index.isdigit() and int(index) < len(formset.forms):
                target = formset.forms[int(index)]
                _add_error(target, "unit_price" if name == "unit_amount" else name if name in target.fields else None, msg)
                continue
        head = getattr(form, "service_fields", {}).get(head, head)
        _add_error(form, head if head in form.fields else None, msg)


def _add_error(form, field: str | None, message: str) -> None:
    if message not in form.errors.get(field or "__all__", []):
        form.add_error(field, message)


@workspace_required
def object_form(request, key: str, pk=None):
    """Create (pk None) or edit. Bad input re-renders with field errors and writes nothing."""
    r = resource_or_404(key)
    instance = get_scoped(r.model, request.workspace, pk) if pk else None
    form = r.form(request.POST or None, instance=instance, workspace=request.workspace)
    formset = None
    if r.has_lines:
        initial = f.line_initial(instance) if instance else None
        formset = f.LineFormSet(request.POST or None, prefix="lines", initial=initial)
    if request.method == "POST":
        # The service hears about every field, including those the form could not read (as Unreadable),
        # and refuses the whole of it naming them all: one round of errors, not one per layer.
        data = form.service_data()
        if formset is not None:
            currency = data.get("currency") or "USD"
            data["lines"] = [line for line in (lf.to_line(currency) for lf in formset.forms) if line]
        try:
            obj = r.create(workspace=request.workspace, actor=actor(request), **data) if instance is None \
                else r.update(instance, actor(request), **data)
        except FieldError as exc:
            apply_field_errors(exc, form, formset)
        except Conflict as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, f"{r.singular.capitalize()} saved.")
            return redirect("crm:detail", key=key, pk=obj.pk)
    return render(request, "crm/form.html", {"r": r, "form": form, "formset": formset, "object": instance})


@workspace_required
def object_detail(request, key: str, pk):
    r = resource_or_404(key)
    obj = get_scoped(r.model, request.workspace, pk)
    context = {"r": r, "object": obj,
               "actions": [(a, a.confirm(obj) if a.confirm else "") for a in r.actions if a.available(obj)]}
    if key == "invoices":
        context["payment_form"] = f.PaymentForm()
    if key == "projects":
        context["milestone_form"] = f.MilestoneForm()
    if key == "accounts":
        context["activities"] = Activity.objects.filter(account=obj).order_by("-created_at", "-id")[:30]
        context["account_lists"] = account_lists(obj)
    context["panels"] = render_panels(request, key, obj)
    return render(request, "crm/detail.html", context)


# How many of an account's contacts, projects and contracts its page shows; "All …" opens the list.
ACCOUNT_LIST_SHOWN = 20


def account_lists(account: Account) -> list[dict]:
    """The account's contacts, projects and contracts, the first ACCOUNT_LIST_SHOWN of each (one
    query each, whatever their number), and whether there are more."""
    lists = []
    for key, rows in (("contacts", account.contacts.order_by("first_name", "last_name", "id")),
                      ("projects", account.projects.order_by("-created_at", "-id")),
                      ("contracts", account.contracts.order_by("-created_at", "-id"))):
        shown = list(rows[: ACCOUNT_LIST_SHOWN + 1])
        lists.append({"key": key, "title": RESOURCES[key].plural.capitalize(), "rows": shown[:ACCOUNT_LIST_SHOWN],
                      "more": len(shown) > ACCOUNT_LIST_SHOWN})
    return lists


@workspace_required
@require_POST
def object_action(request, key: str, pk, action: str):
    r = resource_or_404(key)
    obj = get_scoped(r.model, request.workspace, pk)
    chosen = next((a for a in r.actions if a.name == action), None)
    if chosen is None:
        raise Http404
    try:
        chosen.run(obj, actor(request))
    except (FieldError, Conflict) as exc:
        flash.error(request, " ".join(exc.errors.values()) if isinstance(exc, FieldError) else str(exc))
    else:
        flash.success(request, f"{chosen.label}: done.")
    return redirect("crm:detail", key=key, pk=pk)


@workspace_required
@require_POST
def invoice_payment(request, pk):
    invoice = get_scoped(RESOURCES["invoices"].model, request.workspace, pk)
    form = f.PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            amount = to_minor(data["amount"], invoice.currency) if data["amount"] is not None else None
            payment_record(invoice=invoice, actor=actor(request), amount=amount, method=data["method"],
                           reference=data["reference"])
        except (FieldError, Conflict) as exc:
            flash.error(request, " ".join(exc.errors.values()) if isinstance(exc, FieldError) else str(exc))
        else:
            flash.success(request, "Payment recorded.")
    else:
        flash.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("crm:detail", key="invoices", pk=pk)


@workspace_required
@require_POST
def milestone_add_view(request, pk):
    project = get_scoped(Project, request.workspace, pk)
    form = f.MilestoneForm(request.POST)
    try:
        if not form.is_valid():
            raise FieldError.from_form(form)
        milestone_add(project=project, actor=actor(request), **form.cleaned_data)
    except FieldError as exc:
        flash.error(request, "Milestone not added: " + " ".join(f"{k}: {v}" for k, v in exc.errors.items()))
    return redirect("crm:detail", key="projects", pk=pk)


@workspace_required
@require_POST
def milestone_done_view(request, pk):
    milestone = get_scoped(Milestone, request.workspace, pk)
    milestone_complete(milestone=milestone, actor=actor(request), done=request.POST.get("done") != "0")
    return redirect("crm:detail", key="projects", pk=milestone.project_id)


@workspace_required
def conversations(request):
    """The accounts with a conversation, unread first, then the latest; a page at a time, from the
    figures each account keeps (no message is counted here)."""
    accounts = (scoped(Account, request.workspace).filter(message_count__gt=0)
                .order_by("-unread_messages", "-last_message_at", "name", "id"))
    return render(request, "crm/conversations.html", {"page": page_of(request, accounts)})


@workspace_required
def conversation(request, account_id):
    account = get_scoped(Account, request.workspace, account_id)
    form = f.MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_post(workspace=request.workspace, actor=actor(request), account=account,
                         body=form.cleaned_data["body"], author=request.user)
        except FieldError as exc:
            apply_field_errors(exc, form)
        else:
            return redirect("crm:conversation", account_id=account.pk)
    # A page at a time, the newest first (core/query.thread_page). The client's messages the team had
    # not read are marked "New" on this showing, then read.
    newest_first = (Message.objects.filter(account=account).select_related("author", "contact")
                    .order_by("-created_at", "-id"))
    page, thread = thread_page(newest_first, request.GET.get("page"))
    if request.method == "GET" and page.number == 1:
        conversation_mark_read(account=account)
    return render(request, "crm/conversation.html", {"account": account, "thread": thread, "page": page,
                                                      "form": form})
