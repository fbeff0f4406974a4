"""The Client Portal: what a client of the business sees, under /portal/<workspace>/. Every page
goes through client_required (the session and access, re-checked each time) and reads through the
client_* selectors (their own account only): another account's id is a 404, like a missing one."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hubwire.core.errors import FieldError
from hubwire.core.models import Workspace
from hubwire.core.query import bounded_count, page_of, thread_page
from hubwire.crm.forms import MessageForm
from hubwire.crm.services.common import Conflict
from hubwire.payments.selectors import online_payment
from hubwire.payments.services import PaymentUnavailable, checkout_start
from hubwire.portal import selectors, services
from hubwire.portal.auth import authenticate, current_client, end_session, record_link_sign_in, start_session
from hubwire.portal.decorators import client_required
from hubwire.portal.forms import ChangePasswordForm, NewPasswordForm, ResetForm, SignInForm
from hubwire.portal.throttle import remember_device

# A client's lists, a page at a time; the overview shows the first few of what waits for them.
PER_PAGE = 25
HOME_SHOWN = 10


def _render(request, template: str, context: dict | None = None, status: int = 200):
    base = {"client": getattr(request, "client", None), "portal_workspace": request.portal_workspace}
    if base["client"]:
        base["unread"] = selectors.client_unread(base["client"])
    return render(request, template, {**base, **(context or {})}, status=status)


def _safe_next(request, workspace) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    prefix = reverse("portal:home", args=[workspace.pk])
    if target.startswith(prefix) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return prefix


# --- signing in and out -------------------------------------------------------------------------

def sign_in(request, workspace_id: int):
    workspace = request.portal_workspace = get_object_or_404(Workspace, pk=workspace_id)
    if request.method == "GET" and current_client(request, workspace.pk)[0]:
        return redirect("portal:home", workspace.pk)
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = authenticate(request, workspace, form.cleaned_data["email"], form.cleaned_data["password"])
        if result.portal_user:
            start_session(request, result.portal_user)
            response = redirect(_safe_next(request, workspace))
            remember_device(response, result.portal_user, result.device)
            return response
        form.add_error(None, result.error)
        status = 429 if result.wait else 200
    response = _render(request, "portal/sign_in.html", {"form": form, "ended": request.GET.get("ended"),
                                                          "next": request.POST.get("next") or request.GET.get("next", "")},
                       status=status)
    if status == 429:
        response["Retry-After"] = str(result.wait)
    return response


@require_POST
def sign_out(request, workspace_id: int):
    end_session(request)
    return redirect(reverse("portal:sign_in", args=[workspace_id]) + "?signed_out=1")


def reset(request, workspace_id: int):
    workspace = request.portal_workspace = get_object_or_404(Workspace, pk=workspace_id)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reset_request(workspace=workspace, email=form.cleaned_data["email"])
        return _render(request, "portal/reset.html", {"sent": form.cleaned_data["email"]})
    return _render(request, "portal/reset.html", {"form": form})


def set_password(request, workspace_id: int, token: str):
    """An invitation or reset link: choose a password, and be signed in."""
    workspace = request.portal_workspace = get_object_or_404(Workspace, pk=workspace_id)
    try:
        link = services.link_check(workspace, token)
    except services.LinkInvalid as exc:
        return _render(request, "portal/set_password.html", {"invalid": str(exc)}, status=410)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal_user = services.link_use(workspace=workspace, raw=token, **form.cleaned_data)
        except services.LinkInvalid as exc:
            return _render(request, "portal/set_password.html", {"invalid": str(exc)}, status=410)
        except FieldError as exc:
            exc.add_to(form)
        else:
            start_session(request, portal_user)
            record_link_sign_in(request, portal_user)
            response = redirect("portal:home", workspace.pk)
            remember_device(response, portal_user, "")
            return response
    return _render(request, "portal/set_password.html", {"form": form, "link": link,
                                                         "contact": link.portal_user.contact},
                   status=400 if form.errors else 200)


@client_required(password_change=True)
def change_password(request, workspace_id: int):
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(client=request.client, request=request, **form.cleaned_data)
        except FieldError as exc:
            exc.add_to(form)
        else:
            return redirect(reverse("portal:home", args=[workspace_id]) + "?password_changed=1")
    return _render(request, "portal/change_password.html", {"form": form,
                                                            "forced": request.client.portal_user.must_change_password},
                   status=400 if form.errors else 200)


# --- the client's account -----------------------------------------------------------------------

@client_required
def home(request, workspace_id: int):
    client = request.client
    due = selectors.client_invoices(client).filter(status="pending")
    return _render(request, "portal/home.html", {
        "projects": selectors.client_projects(client)[:5],
        "invoices_due": due[:HOME_SHOWN], "invoices_due_count": bounded_count(due),
        "contracts_waiting_count": bounded_count(selectors.client_contracts(client).filter(status="sent")),
        "password_changed": request.GET.get("password_changed"),
    })


@client_required
def projects(request, workspace_id: int):
    page = page_of(request, selectors.client_projects(request.client), PER_PAGE)
    return _render(request, "portal/projects.html", {"projects": page.object_list, "page": page})


@client_required
def project(request, workspace_id: int, pk: int):
    obj = get_object_or_404(selectors.client_projects(request.client), pk=pk)
    return _render(request, "portal/project.html", {"project": obj})


@client_required
def invoices(request, workspace_id: int):
    page = page_of(request, selectors.client_invoices(request.client), PER_PAGE)
    return _render(request, "portal/invoices.html", {"invoices": page.object_list, "page": page})


@client_required
def invoice(request, workspace_id: int, pk: int):
    obj = get_object_or_404(selectors.client_invoices(request.client).prefetch_related("lines", "payments"), pk=pk)
    return _render(request, "portal/invoice.html", {"invoice": obj, "online": online_payment(obj)})


@require_POST
@client_required
def invoice_pay(request, workspace_id: int, pk: int):
    obj = get_object_or_404(selectors.client_invoices(request.client), pk=pk)
    try:
        checkout = checkout_start(invoice=obj, actor=None, return_to="portal")
    except PaymentUnavailable as exc:  # checkout_start turns provider and transport errors into it
        online = online_payment(obj)
        return _render(request, "portal/invoice.html", {"invoice": obj, "online": online, "error": str(exc)},
                       status=409)
    return redirect(checkout.url)


@client_required
def contracts(request, workspace_id: int):
    page = page_of(request, selectors.client_contracts(request.client), PER_PAGE)
    return _render(request, "portal/contracts.html", {"contracts": page.object_list, "page": page})


@client_required
def contract(request, workspace_id: int, pk: int):
    obj = get_object_or_404(selectors.client_contracts(request.client), pk=pk)
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("agree") != "on":
            error, status = "Tick the box to confirm you accept the contract.", 400
        else:
            try:
                services.client_accept_contract(client=request.client, contract=obj)
            except Conflict as exc:
                error, status = str(exc), 409
            else:
                return redirect("portal:contract", workspace_id, obj.pk)
    return _render(request, "portal/contract.html", {"contract": obj, "error": error}, status=status)


@client_required
def messages(request, workspace_id: int):
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.client_message(client=request.client, body=form.cleaned_data["body"])
            except FieldError as exc:
                exc.add_to(form)
            else:
                return redirect("portal:messages", workspace_id)
        status = 400
    else:
        status = 200
    # A page at a time, the newest first (core/query.thread_page). What is new is shown as new once,
    # then it is read.
    page, thread = thread_page(selectors.client_thread(request.client).order_by("-created_at", "-id"),
                               request.GET.get("page"))
    if request.method == "GET" and page.number == 1:
        services.client_read_conversation(client=request.client)
    return _render(request, "portal/messages.html", {"thread": thread, "page": page, "form": form}, status=status)

