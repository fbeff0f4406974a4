"""Test hooks (providers.md §0): revoke or expire tokens, inject a 429 / 5xx, move the clock, reset,
and every action an emulator declares in its own package (hooks.py). POST JSON to
/sandbox/_control/<action>/; the sandbox page has buttons for the common ones."""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hubwire.sandbox import clock
from hubwire.sandbox.hooks import ACTIONS, PAGE_CARDS, RESET_HOOKS, control_action, flag
from hubwire.sandbox.models import Call, Clock, Fault, Grant, StripeAccount, StripeObject, Token, ZoomMeeting
from hubwire.sandbox.oauth import SERVERS, revoke_family
from hubwire.sandbox.routes import json_request, require_sandbox
from hubwire.sandbox.stripe import events as stripe_events


def _tokens(data):
    tokens = Token.objects.filter(revoked_at=None)
    if data.get("server"):
        tokens = tokens.filter(server=data["server"])
    if data.get("kind"):
        tokens = tokens.filter(kind=data["kind"])
    return tokens


@control_action("revoke")
def revoke(data):
    if data.get("token"):
        return {"revoked": revoke_family(data["token"])}
    return {"revoked": _tokens(data).update(revoked_at=clock.now())}


@control_action("expire")
def expire(data):
    return {"expired": _tokens(data).update(expires_at=clock.now() - timedelta(seconds=1))}


@control_action("fault")
def fault(data):
    """{"host", "path"?, "method"?, "count"?} and either {"status", "retry_after"?} or {"delay": seconds}."""
    delay = float(data.get("delay", 0))
    status = int(data.get("status", 0)) if delay else int(data["status"])
    created = Fault.objects.create(host=data["host"], path_prefix=data.get("path", ""),
                                   method=data.get("method", "").upper(), status=status,
                                   delay_seconds=delay, retry_after=str(data.get("retry_after", "")),
                                   remaining=int(data.get("count", 1)))
    return {"fault": created.pk}


@control_action("clock")
def advance_clock(data):
    clock.advance(float(data["seconds"]))
    return {"now": clock.now().isoformat()}


@control_action("clock-freeze")
def freeze_clock(data):
    """{"frozen": true} stops the sandbox clock where it stands (advance still moves it); false lets it run."""
    clock.freeze(flag(data, "frozen", True))
    return {"now": clock.now().isoformat()}


@control_action("reset")
def reset(data):
    """Forget everything: the framework's tables here, each emulator's through its reset hook."""
    for model in (Call, Fault, Grant, Token, Clock):
        model.objects.all().delete()
    for hook in RESET_HOOKS:
        hook()
    return {"reset": True}


@csrf_exempt
@require_POST
def control(request, action: str):
    require_sandbox()
    handler = ACTIONS.get(action)
    if handler is None:
        return JsonResponse({"error": f"unknown action {action!r}", "actions": sorted(ACTIONS)}, status=404)
    data = json_request(request) or request.POST.dict()
    try:
        result = handler(data)
    except (KeyError, ValueError, ObjectDoesNotExist) as exc:
        return JsonResponse({"error": f"bad or missing field: {exc}"}, status=400)
    if request.content_type != "application/json":  # a button on the sandbox page
        return redirect("sandbox:index")
    return JsonResponse(result)


def index(request):
    """The sandbox's own page: its servers, live tokens, recent calls, and the test hooks as buttons."""
    require_sandbox()
    cards = {card.name: card.context(request) for card in PAGE_CARDS}  # each emulator's (hooks.page_card)
    return render(request, "sandbox/index.html", {
        **cards, "cards": PAGE_CARDS,
        "servers": SERVERS.values(),
        "tokens": Token.objects.filter(revoked_at=None).order_by("-created_at")[:50],
        "calls": Call.objects.order_by("-id")[:50],
        "faults": Fault.objects.filter(remaining__gt=0),
        "zoom_meetings": ZoomMeeting.objects.filter(deleted_at=None).order_by("-created_at")[:50],
        "zoom_users": sorted({t.subject.get("email", "") for t in Token.objects.filter(server="zoom", revoked_at=None)}),
        "now": clock.now(),
        "stripe": {"accounts": StripeAccount.objects.order_by("-id")[:20],
                   "processing": StripeObject.objects.filter(kind="checkout.session", body__status="complete",
                                                             body__payment_status="unpaid").order_by("-id")[:20],
                   "holding": stripe_events.holding(),
                   "waiting": StripeObject.objects.filter(kind="event", state__delivered=0).count()},
    })
