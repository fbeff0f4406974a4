"""The Stripe tab's own actions: onboard a new account (and Stripe's refresh / return URLs),
Resume onboarding, Refresh the account's state. Connect OAuth, Disconnect and webhooks go through
the generic integration views."""

import httpx
from django.contrib import messages as flash
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.integrations import selectors
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.stripe import onboarding

TAB = "integrations:tab"


def _provider():
    return PROVIDERS["stripe"]


def _back():
    return redirect(TAB, key="stripe")


def _mode(request, mode: str | None = None) -> str | None:
    mode = mode or request.POST.get("mode", "")
    if mode in _provider().modes:
        return mode
    flash.error(request, "Choose Test or Live mode.")
    return None


def _failed(request, exc: Exception) -> None:
    flash.error(request, f"Stripe could not be reached or refused the request: {exc}")


def _onboarding_connection(request, mode: str):
    connection = selectors.connection_of(request.workspace, _provider(), mode)
    if (connection is None or connection.details.get("via") != onboarding.VIA_ACCOUNT_LINKS
            or not connection.external_account_id or connection.status == ConnectionStatus.NOT_CONNECTED):
        flash.error(request, f"There is no Stripe onboarding in progress in {mode} mode. Start with "
                             "Create a Stripe account.")
        return None
    return connection


@require_POST
@workspace_required(manage=True)
def onboard(request):
    provider, mode = _provider(), _mode(request)
    if mode is None:
        return _back()
    if problem := provider.mode_missing(mode):
        flash.error(request, problem)
        return _back()
    try:
        url = onboarding.onboarding_start(workspace=request.workspace, user=request.user, provider=provider, mode=mode)
    except (ProviderError, httpx.HTTPError) as exc:
        _failed(request, exc)
        return _back()
    return redirect(url)


@workspace_required(manage=True)
def onboard_link(request, mode: str):
    """Stripe's refresh_url (a visited or expired link) and the Resume button: a fresh link."""
    mode = _mode(request, mode)
    connection = _onboarding_connection(request, mode) if mode else None
    if connection is None:
        return _back()
    try:
        return redirect(onboarding.account_link(_provider(), connection))
    except (ProviderError, httpx.HTTPError) as exc:
        _failed(request, exc)
        return _back()


@workspace_required(manage=True)
def onboard_return(request, mode: str):
    """Stripe's return_url: the user left onboarding, finished or not. Read the account to know."""
    mode = _mode(request, mode)
    connection = _onboarding_connection(request, mode) if mode else None
    if connection is None:
        return _back()
    _refresh_and_say(request, connection)
    return _back()


@require_POST
@workspace_required
def refresh(request):
    mode = _mode(request)
    connection = selectors.connection_of(request.workspace, _provider(), mode) if mode else None
    if connection is None or not connection.external_account_id or connection.status == ConnectionStatus.NOT_CONNECTED:
        flash.error(request, "Stripe is not connected in that mode.")
        return _back()
    _refresh_and_say(request, connection)
    return _back()


def _refresh_and_say(request, connection) -> None:
    try:
        onboarding.account_refresh(_provider(), connection, actor=request.user)
    except (ProviderError, httpx.HTTPError) as exc:
        _failed(request, exc)
        return
    if connection.status == ConnectionStatus.ACTIVE:
        flash.success(request, f"Your Stripe account ({connection.mode} mode) is active: "
                               f"{connection.account_name} can take payments.")
    else:
        flash.warning(request, connection.status_reason)
