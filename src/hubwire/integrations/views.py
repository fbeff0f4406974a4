"""The Integrations page: status cards on top, a tab per provider below (htmx; each tab has its
own URL), and the connect / callback / disconnect / credentials actions. Views stay thin."""

from django.contrib import messages as flash
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.integrations import inbound, selectors
from hubwire.integrations.inbound_urls import connection_for_inbound_token
from hubwire.integrations.oauth import AuthorizationFailed, authorization_finish, authorization_start
from hubwire.integrations.registry import PROVIDERS, AuthKind, get_provider
from hubwire.integrations.services import connection_disconnect, credentials_save


def _tab_url(provider) -> str:
    return reverse("integrations:tab", args=[provider.key])


def _mode(request, provider) -> str:
    mode = request.POST.get("mode", "")
    if mode not in provider.modes:
        raise FieldError({"mode": f"Choose one of: {', '.join(m for m in provider.modes if m) or 'no mode'}."})
    return mode


def _mode_or_flash(request, provider) -> str | None:
    """The posted mode, or None with the reason flashed (buttons post it, so only a forged form lands here)."""
    try:
        return _mode(request, provider)
    except FieldError as exc:
        flash.error(request, "; ".join(exc.errors.values()))
        return None


def page_context(request, provider, **extra) -> dict:
    """The Integrations page's context on `provider`'s tab; providers' own views use it to show the
    page again with their form's errors."""
    return {
        "cards": selectors.cards(request.workspace),
        "providers": list(PROVIDERS.values()),
        "provider": provider,
        "panels": selectors.mode_panels(request.workspace, provider) if provider.auth_kind is not AuthKind.NONE else [],
        "entries": selectors.audit_entries(request.workspace, provider.key),
        "meetings": selectors.meeting_summary(request.workspace, provider),
        "tab_context": provider.tab_context(request.workspace) if provider.tab_template else {},
        "credential_errors": {},
        **extra,
    }


@workspace_required
def page(request, key: str | None = None):
    provider = get_provider(key) if key else next(iter(PROVIDERS.values()))
    # htmx requests (tab switches, and actions that redirect here) get the page's state region: cards,
    # tabs and panel together; a reload or a deep link gets the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "integrations/page.html#state" if partial else "integrations/page.html",
                  page_context(request, provider))


@workspace_required
def audit_log(request):
    return render(request, "integrations/audit.html", {"entries": selectors.audit_entries(request.workspace, limit=200)})


@require_POST
@workspace_required(manage=True)
def connect(request, key: str):
    provider = get_provider(key)
    mode = _mode_or_flash(request, provider)
    if mode is None:
        return redirect(_tab_url(provider))
    problem = "" if provider.can_connect and provider.auth_kind is AuthKind.OAUTH2 else \
        f"{provider.name} cannot be connected from here yet."
    if not problem:
        existing = selectors.connection_of(request.workspace, provider, mode)
        problem = provider.missing_configuration() or (
            "" if all(provider.client_credentials(existing, mode)) else
            f"Save your {provider.name} API credentials first.")
    if problem:
        flash.error(request, problem)
        return redirect(_tab_url(provider))
    return redirect(authorization_start(request, provider, mode=mode))


@workspace_required
def callback(request, key: str):
    provider = get_provider(key)
    if not request.membership.can_manage:
        flash.error(request, "Only the workspace's owners and admins can connect integrations.")
        return redirect(_tab_url(provider))
    try:
        connection = authorization_finish(request, provider)
    except AuthorizationFailed as exc:
        flash.error(request, str(exc))
    else:
        who = f" as {connection.account_name}" if connection.account_name else ""
        flash.success(request, f"{provider.name} is connected{who}.")
    return redirect(_tab_url(provider))


@require_POST
@workspace_required(manage=True)
def disconnect(request, key: str):
    provider = get_provider(key)
    mode = _mode_or_flash(request, provider)
    if mode is None:
        return redirect(_tab_url(provider))
    connection = selectors.connection_of(request.workspace, provider, mode)
    if connection is None:
        flash.error(request, f"{provider.name} is not connected.")
        return redirect(_tab_url(provider))
    note = connection_disconnect(connection=connection, provider=provider, actor=request.user)
    if note:
        flash.warning(request, note)
    else:
        flash.success(request, f"{provider.name} is disconnected; hubwire's access was revoked and its tokens deleted.")
    return redirect(_tab_url(provider))


@require_POST
@workspace_required(manage=True)
def credentials(request, key: str):
    provider = get_provider(key)
    try:
        if not provider.credential_fields:
            raise FieldError({"__all__": f"{provider.name} takes no pasted credentials."})
        mode = _mode(request, provider)
        credentials_save(workspace=request.workspace, actor=request.user, provider=provider, mode=mode,
                         data=request.POST)
    except FieldError as exc:
        context = page_context(request, provider, credential_errors=exc.errors, posted=request.POST)
        return render(request, "integrations/page.html", context, status=422)
    flash.success(request, f"{provider.name} credentials saved (encrypted).")
    return redirect(_tab_url(provider))


@csrf_exempt
@require_POST
def events(request, key: str):
    """Inbound provider webhooks. Authenticated by the provider's signature, not a session."""
    return inbound.receive(request, get_provider(key))


@csrf_exempt
@require_POST
def connection_events(request, key: str, token: str):
    """Inbound webhooks on one connection's own URL: an unknown token, or one of another provider's
    connection, is a 404 before anything is read or written."""
    provider = get_provider(key)
    connection = connection_for_inbound_token(provider_key=provider.key, token=token)
    if connection is None:
        return JsonResponse({"error": "no such event URL"}, status=404)
    return inbound.receive(request, provider, connection=connection)
