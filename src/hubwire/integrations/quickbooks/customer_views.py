"""The account page's QuickBooks card (search the company's customers, link one, unlink, match
again) and the "Connect customers" confirmation. Views stay thin: tenancy (the account is looked up
in request.workspace, so another workspace's is a 404), the role check (owners and admins change
links), one service call, render.

The card's forms work with htmx (the card is swapped in place) and without it (a plain POST lands
back on the account's page with a message; a plain search shows the card on a page of its own)."""

import httpx
from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.tenancy import get_scoped
from hubwire.crm.models import Account
from hubwire.integrations.http import ProviderError
from hubwire.integrations.quickbooks import customer_links as links
from hubwire.integrations.quickbooks.customer_fields import DISPLAY_NAME
from hubwire.integrations.quickbooks.customers import (Preview, customers_connect, customers_preview, is_enabled,
                                                       not_ready_words, quickbooks_connection)
from hubwire.integrations.tokens import NeedsReconnect
from hubwire.jobs.models import RetryLater

# What calling QuickBooks from a page can meet, said in words rather than a 500.
CALL_PROBLEMS = (ProviderError, NeedsReconnect, httpx.HTTPError, RetryLater)


def _problem_words(exc: Exception) -> str:
    if isinstance(exc, RetryLater):
        return "hubwire is syncing this account with QuickBooks right now. Try again in a moment."
    if isinstance(exc, httpx.HTTPError):
        return f"QuickBooks did not answer ({type(exc).__name__}). Try again in a moment."
    return str(exc)


def _card(request, account: Account, *, status: int = 200, **extra):
    """The card alone for htmx, else the card on a page of its own."""
    card = links.account_card(account)
    context = {"object": account, "qbo": card, **extra}
    if request.htmx:  # htmx swaps only 2xx answers: the card carries the error itself
        return render(request, "quickbooks/account_customer.html", context)
    return render(request, "quickbooks/account_customer_page.html", context, status=status)


def _connection_or_words(request):
    connection = quickbooks_connection(request.workspace.pk)
    return (connection, "") if is_enabled(connection) else (None, not_ready_words(connection))


def _after_change(request, account: Account, *, notice: str = "", error: str = ""):
    if request.htmx:
        return _card(request, account, notice=notice, error=error)
    (flash.error if error else flash.success)(request, error or notice)
    return redirect("crm:detail", key="accounts", pk=account.pk)


@require_GET
@workspace_required
def card(request, account_id: int):
    account = get_scoped(Account, request.workspace, account_id)
    return _card(request, account)


@require_GET
@workspace_required(manage=True)
def search(request, account_id: int):
    account = get_scoped(Account, request.workspace, account_id)
    text = request.GET.get("q", "")
    connection, why = _connection_or_words(request)
    if connection is None:
        return _card(request, account, q=text, search_error=why, status=409)
    try:
        results = links.customer_search(connection, text)
    except FieldError as exc:
        return _card(request, account, q=text, search_error=exc.errors["q"], status=422)
    except CALL_PROBLEMS as exc:
        return _card(request, account, q=text, search_error=_problem_words(exc), status=502)
    return _card(request, account, q=text, results=results, searched=True)


@require_POST
@workspace_required(manage=True)
def link(request, account_id: int):
    account = get_scoped(Account, request.workspace, account_id)
    connection, why = _connection_or_words(request)
    if connection is None:
        return _after_change(request, account, error=why)
    try:
        row = links.customer_link(account=account, connection=connection,
                                  customer_id=request.POST.get("customer_id", ""), actor=request.user)
    except FieldError as exc:
        return _after_change(request, account, error=exc.errors["customer_id"])
    except CALL_PROBLEMS as exc:
        return _after_change(request, account, error=_problem_words(exc))
    return _after_change(request, account, notice=f"{account.name} is connected to QuickBooks customer "
                                                  f"“{row.synced[DISPLAY_NAME]}”.")


@require_POST
@workspace_required(manage=True)
def unlink(request, account_id: int):
    account = get_scoped(Account, request.workspace, account_id)
    try:
        links.customer_unlink(account=account, actor=request.user)
    except RetryLater as exc:
        return _after_change(request, account, error=_problem_words(exc))
    return _after_change(request, account, notice=f"{account.name} is no longer connected to QuickBooks, and "
                                                  "hubwire will not connect it automatically.")


@require_POST
@workspace_required(manage=True)
def match_again(request, account_id: int):
    account = get_scoped(Account, request.workspace, account_id)
    try:
        links.customer_match_again(account=account)
    except RetryLater as exc:
        return _after_change(request, account, error=_problem_words(exc))
    return _after_change(request, account, notice=f"hubwire will match {account.name} with a QuickBooks customer "
                                                  "by email, or create one.")


@require_http_methods(["GET", "POST"])
@workspace_required(manage=True)
def connect(request):
    """GET: what a pass would do now, read from QuickBooks; POST (the confirmation): start it."""
    tab = reverse("integrations:tab", args=["quickbooks"])
    connection, why = _connection_or_words(request)
    if request.method == "POST":
        if connection is None:
            flash.error(request, why)
        else:
            customers_connect(request.workspace)
            flash.success(request, "Connecting customers with QuickBooks: accounts are matched by email, and "
                                   "customers created where none matches. Progress shows below.")
        return redirect(tab)
    preview: Preview | None = None
    if connection is not None:
        try:
            preview = customers_preview(connection)
        except CALL_PROBLEMS as exc:
            why = _problem_words(exc)
    return render(request, "quickbooks/customers_connect.html", {"preview": preview, "problem": why, "tab_url": tab},
                  status=200 if preview is not None else 409)
