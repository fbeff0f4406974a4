"""The team's side of the portal: the account switch (from the Client Portal tab) and Manage
Contacts. Reading is for every member; changing is for owners and admins."""

from django.contrib import messages as flash
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.query import BoundedPaginator
from hubwire.core.tenancy import get_scoped
from hubwire.crm.models import Account, Contact
from hubwire.portal import selectors, services
from hubwire.portal.forms import SetPasswordForm
from hubwire.portal.models import PortalAccess

TAB = "integrations:tab"
ACCOUNTS_PER_PAGE = 50


def accounts_page(workspace, number):
    """A page of the tab's accounts (the tab shows the first; its pager asks accounts() for the rest)."""
    return BoundedPaginator(selectors.accounts(workspace), ACCOUNTS_PER_PAGE).get_page(number)


@workspace_required
def accounts(request):
    """The tab's account list, page n: the table alone for the tab's pager (htmx), or a page of its own."""
    page = accounts_page(request.workspace, request.GET.get("page"))
    template = "portal/_accounts.html" if request.htmx else "portal/accounts.html"
    return render(request, template, {"accounts": page})


def _flag(request, name: str) -> bool | None:
    """A posted on/off value ('1' or '0'); None for anything else (only a forged form sends that)."""
    return {"1": True, "0": False}.get(request.POST.get(name, ""))


@require_POST
@workspace_required(manage=True)
def access(request, account_id: int):
    account = get_scoped(Account, request.workspace, account_id)
    enabled = _flag(request, "enabled")
    if enabled is None:
        return HttpResponseBadRequest("enabled: send 1 (on) or 0 (off).")
    services.access_set(account=account, enabled=enabled, actor=request.user)
    if not request.htmx:  # htmx follows the redirect and swaps in the tab, whose switch shows the change
        flash.success(request, f"The portal is {'on' if enabled else 'off'} for {account.name}.")
    return redirect(TAB, "portal")


def _manage_page(request, account, *, errors_for=None, errors=None, status=200):
    return render(request, "portal/manage.html", {
        "account": account, "rows": selectors.contacts(account), "portal_on": PortalAccess.is_on(account.pk),
        "portal_link": services.portal_link(request.workspace), "sign_ins": selectors.recent_sign_ins(account),
        "errors_for": errors_for, "errors": errors or {},
    }, status=status)


@workspace_required
def manage(request, account_id: int):
    return _manage_page(request, get_scoped(Account, request.workspace, account_id))


def _contact(request, contact_id: int) -> Contact:
    return get_scoped(Contact, request.workspace, contact_id)


def _back(contact: Contact):
    if contact.account_id:
        return redirect("portal:manage", contact.account_id)
    return redirect(reverse("crm:detail", args=["contacts", contact.pk]))


def _refused(request, contact: Contact, exc: FieldError):
    """A refused change: on the account's page with the reason, nothing written."""
    if contact.account_id is None:
        flash.error(request, " ".join(exc.errors.values()))
        return _back(contact)
    return _manage_page(request, contact.account, errors_for=contact.pk, errors=exc.errors, status=400)


@require_POST
@workspace_required(manage=True)
def contact_login(request, contact_id: int):
    contact = _contact(request, contact_id)
    allowed = _flag(request, "allowed")
    if allowed is None:
        return HttpResponseBadRequest("allowed: send 1 (allow) or 0 (stop).")
    try:
        services.login_allow(contact=contact, allowed=allowed, actor=request.user)
    except FieldError as exc:
        return _refused(request, contact, exc)
    flash.success(request, f"{contact.name} {'can sign in to the portal' if allowed else 'can no longer sign in'}.")
    return _back(contact)


@require_POST
@workspace_required(manage=True)
def contact_password(request, contact_id: int):
    contact = _contact(request, contact_id)
    form = SetPasswordForm(request.POST)
    try:
        if not form.is_valid():
            raise FieldError.from_form(form)
        services.password_set(contact=contact, password=form.cleaned_data["password"],
                              must_change=form.cleaned_data["must_change"], actor=request.user)
    except FieldError as exc:
        return _refused(request, contact, exc)
    flash.success(request, f"Password set for {contact.name}"
                           + (": they choose their own at first sign-in." if form.cleaned_data["must_change"] else "."))
    return _back(contact)


@require_POST
@workspace_required(manage=True)
def contact_invite(request, contact_id: int):
    contact = _contact(request, contact_id)
    try:
        services.invite_send(contact=contact, actor=request.user)
    except FieldError as exc:
        return _refused(request, contact, exc)
    flash.success(request, f"Invitation emailed to {contact.email}.")
    return _back(contact)
