"""The Webhooks Manager pages (/webhooks/…) and the inbound receiver (/hooks/in/<token>/).

Every team member can read the Manager; only owners and admins change it, see an inbound hook's
URL (its token is the secret) or send anything. Views stay thin: services validate and write."""

import json
from functools import partial
from urllib.parse import urlencode
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages as flash
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.query import id_param, page_of
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.events import catalog
from hubwire.webhooks import inbound, selectors, services
from hubwire.webhooks.models import (
    Delivery,
    DeliveryStatus,
    Endpoint,
    InboundAction,
    InboundAuth,
    InboundHook,
    InboundOutcome,
    Preset,
)

# Session key: "show the signing secret of endpoint <pk>", once, on that endpoint's page. Only the pk
# is kept: the session table is readable without any key (base64 + zlib), while the secret itself
# stays in the endpoint's row, encrypted, and is read from there when the page shows it.
# The marker lapses after REVEAL_SECONDS, so a redirect never followed does not show the secret on
# a visit days later (perhaps after someone else rotated it).
REVEAL_SECRET = "webhooks_reveal_secret"
REVEAL_SECONDS = 300


def _mark_reveal(request, endpoint) -> None:
    request.session[REVEAL_SECRET] = [endpoint.pk, timezone.now().timestamp() + REVEAL_SECONDS]


def _take_reveal(request, endpoint) -> bool:
    """Whether this page view is the one to show the endpoint's new secret (once, and only soon after)."""
    marker = request.session.get(REVEAL_SECRET)
    if not (isinstance(marker, list) and marker[0] == endpoint.pk):
        return False
    del request.session[REVEAL_SECRET]
    return timezone.now().timestamp() < marker[1]


@workspace_required
def manager(request):
    ws = request.workspace
    health = selectors.endpoint_health(ws)
    endpoints = [(e, health.get(e.pk), *selectors.health_of(e, health.get(e.pk))) for e in scoped(Endpoint, ws)]
    hooks = selectors.hooks_with_last_request(ws)
    # The in-app notice of an endpoint hubwire disabled stays until someone re-enables or deletes it.
    notices = [e for e, *_ in endpoints if not e.enabled and e.disabled_reason]
    return render(request, "webhooks/manager.html", {"endpoints": endpoints, "hooks": hooks, "notices": notices,
                                                     "outcomes": dict(InboundOutcome.choices)})


# --- endpoints -----------------------------------------------------------------------------------

def _endpoint_form_data(post) -> tuple[dict, dict]:
    """The endpoint fields from the page's form, and errors only the form can see (header lines)."""
    headers, bad = {}, []
    for line in post.get("headers", "").splitlines():
        name, sep, value = line.partition(":")
        if line.strip() and not sep:
            bad.append(line.strip())
        elif line.strip():
            headers[name.strip()] = value.strip()
    data = {"url": post.get("url", ""), "description": post.get("description", ""),
            "event_types": post.getlist("event_types"), "preset": post.get("preset", ""), "headers": headers}
    return data, ({"headers": f"Not a valid header line: {bad[0]} (write one Name: value per line)."} if bad else {})


def _save_endpoint(save, data: dict, form_errors: dict, *, creating: bool):
    """Run the service, or report every error at once when the form already found one (nothing saved)."""
    if form_errors:
        raise FieldError({**services.endpoint_errors(data, creating=creating), **form_errors})
    return save(**data)


@workspace_required(manage=True)
def endpoint_new(request):
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        data, form_errors = _endpoint_form_data(request.POST)
        create = partial(services.endpoint_create, workspace=request.workspace, actor=request.user)
        try:
            endpoint = _save_endpoint(create, data, form_errors, creating=True)
        except FieldError as exc:
            errors = exc.errors
        else:
            _mark_reveal(request, endpoint)
            flash.success(request, "Endpoint created. Copy its signing secret now: it is shown only once.")
            return redirect("webhooks:endpoint", endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", _form_context(None, posted, errors),
                  status=422 if errors else 200)


def _form_context(endpoint, posted, errors) -> dict:
    if posted:
        values = {"url": posted.get("url", ""), "description": posted.get("description", ""),
                  "event_types": posted.getlist("event_types"), "preset": posted.get("preset", ""),
                  "headers": posted.get("headers", "")}
    elif endpoint:
        values = {"url": endpoint.url, "description": endpoint.description, "event_types": endpoint.event_types,
                  "preset": endpoint.preset,
                  "headers": "\n".join(f"{name}: " for name in endpoint.headers or {})}
    else:
        values = {"preset": Preset.GENERIC, "event_types": []}
    return {"endpoint": endpoint, "values": values, "errors": errors, "presets": Preset.choices,
            "event_types": sorted(catalog.CATALOG.items()),
            "sandbox_receiver": f"{settings.HUBWIRE_BASE_URL}/sandbox/receiver/demo" if settings.HUBWIRE_SANDBOX else ""}


@workspace_required
def endpoint_detail(request, pk):
    endpoint = get_scoped(Endpoint, request.workspace, pk)
    new_secret = None
    if request.membership.can_manage and _take_reveal(request, endpoint):
        new_secret = endpoint.secret
    health = selectors.endpoint_health(request.workspace, endpoint).get(endpoint.pk)
    colour, words = selectors.health_of(endpoint, health)
    return render(request, "webhooks/endpoint.html", {
        "endpoint": endpoint, "new_secret": new_secret, "health": health, "colour": colour, "words": words,
        "deliveries": endpoint.deliveries.all()[:25],
        "replay_since": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "header_names": sorted(endpoint.headers or {}), "now": timezone.now(),
    })


@workspace_required(manage=True)
def endpoint_edit(request, pk):
    endpoint = get_scoped(Endpoint, request.workspace, pk)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        data, form_errors = _endpoint_form_data(request.POST)
        # A header given as "Name:" keeps its saved value (values are never shown back).
        data["headers"] = {n: (v or (endpoint.headers or {}).get(n, "")) for n, v in data["headers"].items()}
        update = partial(services.endpoint_update, endpoint=endpoint, actor=request.user)
        try:
            _save_endpoint(update, data, form_errors, creating=False)
        except FieldError as exc:
            errors = exc.errors
            endpoint.refresh_from_db()
        else:
            flash.success(request, "Endpoint saved.")
            return redirect("webhooks:endpoint", endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", _form_context(endpoint, posted, errors),
                  status=422 if errors else 200)


@require_POST
@workspace_required(manage=True)
def endpoint_action(request, pk, action):
    endpoint = get_scoped(Endpoint, request.workspace, pk)
    here = reverse("webhooks:endpoint", args=[endpoint.pk])
    if action == "enable" or action == "disable":
        services.endpoint_update(endpoint=endpoint, enabled=action == "enable", actor=request.user)
        flash.success(request, f"Endpoint {action}d.")
    elif action == "rotate":
        services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
        _mark_reveal(request, endpoint)
        flash.success(request, "New signing secret. For 24 hours deliveries carry both the old and the new "
                               "signature, so the receiver can switch over.")
    elif action == "test":
        delivery = services.endpoint_send_test(endpoint=endpoint)
        flash.success(request, "Test event queued.")
        return redirect("webhooks:delivery", delivery.pk)
    elif action == "replay":
        since = _parse_since(request.POST.get("since", ""))
        if since is None:
            flash.error(request, "Replay since: enter a date and time, e.g. 2026-11-20 09:00.")
        else:
            count = services.endpoint_replay_failed(endpoint=endpoint, since=since)
            flash.success(request, f"{count} failed deliver{'y' if count == 1 else 'ies'} since "
                                   f"{since:%Y-%m-%d %H:%M} UTC queued again.")
    elif action == "delete":
        services.endpoint_delete(endpoint=endpoint, actor=request.user)
        flash.success(request, f"Endpoint {endpoint.url} deleted.")
        return redirect("webhooks:manager")
    else:
        raise Http404("No such action.")
    return redirect(here)


def _parse_since(value: str):
    """A datetime-local value (or a date, meaning its midnight), read as UTC; None if it is neither."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


# --- the delivery log ----------------------------------------------------------------------------

@workspace_required
def delivery_log(request):
    ws = request.workspace
    deliveries = scoped(Delivery, ws).select_related("endpoint")
    chosen = {key: request.GET.get(key, "") for key in ("endpoint", "status", "event_type")}
    if chosen["endpoint"]:
        endpoint_id = id_param(chosen["endpoint"])
        deliveries = deliveries.filter(endpoint_id=endpoint_id) if endpoint_id else deliveries.none()
    if chosen["status"] in DeliveryStatus.values:
        deliveries = deliveries.filter(status=chosen["status"])
    if chosen["event_type"]:
        deliveries = deliveries.filter(event_type=chosen["event_type"])
    page = page_of(request, deliveries)
    query = urlencode({k: v for k, v in chosen.items() if v})
    return render(request, "webhooks/deliveries.html", {
        "page": page, "chosen": chosen, "query": query, "endpoints": scoped(Endpoint, ws),
        "statuses": DeliveryStatus.choices, "event_types": sorted([*catalog.CATALOG, "webhook.test"])})


@workspace_required
def delivery_detail(request, pk):
    delivery = get_scoped(Delivery, request.workspace, pk)
    try:
        body = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
    except ValueError:
        body = delivery.body
    return render(request, "webhooks/delivery.html", {"delivery": delivery, "body": body,
                                                      "attempts": delivery.attempt_log.all()})


@require_POST
@workspace_required(manage=True)
def delivery_resend(request, pk):
    delivery = get_scoped(Delivery, request.workspace, pk)
    if services.delivery_resend(delivery=delivery):
        flash.success(request, f"Delivery {delivery.webhook_id} queued again (same webhook-id).")
    else:
        flash.error(request, "It is being sent right now; look again in a moment.")
    return redirect("webhooks:delivery", delivery.pk)


# --- inbound hooks -------------------------------------------------------------------------------

@workspace_required(manage=True)
def inbound_new(request):
    errors, values = {}, {"auth": InboundAuth.TOKEN, "action": InboundAction.LEAD_CREATE}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in
                  ("name", "action", "auth", "mapping", "idempotency_header", "idempotency_field")}
        try:
            hook = inbound.inbound_hook_create(workspace=request.workspace, actor=request.user, **values)
        except FieldError as exc:
            errors = exc.errors
        else:
            flash.success(request, "Inbound hook created. Post to its URL to try it.")
            return redirect("webhooks:inbound", hook.pk)
    return render(request, "webhooks/inbound_form.html", {
        "values": values, "errors": errors, "actions": InboundAction.choices, "auths": InboundAuth.choices,
        "fields": {key: ", ".join(names) for key, names in inbound.FIELDS.items()}}, status=422 if errors else 200)


@workspace_required
def inbound_detail(request, pk):
    hook = get_scoped(InboundHook, request.workspace, pk)
    url = request.build_absolute_uri(reverse("webhooks:receive", args=[hook.token]))
    return render(request, "webhooks/inbound.html", {
        "hook": hook, "url": url, "requests": hook.requests.all()[:50], "fields": inbound.FIELDS[hook.action],
        "try_it": inbound.try_it_command(hook, url), "signature_header": inbound.SIGNATURE_HEADER})


@require_POST
@workspace_required(manage=True)
def inbound_action(request, pk, action):
    hook = get_scoped(InboundHook, request.workspace, pk)
    if action in ("enable", "disable"):
        inbound.inbound_hook_set_enabled(hook=hook, enabled=action == "enable", actor=request.user)
        flash.success(request, f"Inbound hook {action}d.")
    elif action == "delete":
        inbound.inbound_hook_delete(hook=hook, actor=request.user)
        flash.success(request, f"Inbound hook “{hook.name}” deleted; its URL now answers 404.")
        return redirect("webhooks:manager")
    else:
        raise Http404("No such action.")
    return redirect("webhooks:inbound", hook.pk)


@csrf_exempt
def receive(request, token: str):
    """What other tools post to. No session, no CSRF: the token (and the HMAC, if set) is the proof."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    hook = inbound.find_hook(token)
    if hook is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    answer = inbound.receive(hook, headers=request.headers, body=request.body,
                             content_type=request.content_type or "")
    return JsonResponse(answer.body, status=answer.status)
