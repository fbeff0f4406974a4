"""Test hooks (providers.md §0): revoke or expire tokens, inject a 429 / 5xx, move the clock, reset.
POST JSON to /sandbox/_control/<action>/; the sandbox page has buttons for the common ones."""

from datetime import timedelta

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hubwire.sandbox import clock, twilio, zoom, zoom_webhooks
from hubwire.sandbox.models import (Call, Clock, Fault, Grant, StripeAccount, StripeGrant, StripeIdempotency,
                                    StripeObject, StripeRequestCount, Token, ZoomDailyWrites, ZoomMeeting)
from hubwire.sandbox.oauth import SERVERS, revoke_family
from hubwire.sandbox.routes import json_request, require_sandbox
from hubwire.sandbox.stripe import accounts as stripe_accounts, events as stripe_events, payments as stripe_payments


def _tokens(data):
    tokens = Token.objects.filter(revoked_at=None)
    if data.get("server"):
        tokens = tokens.filter(server=data["server"])
    if data.get("kind"):
        tokens = tokens.filter(kind=data["kind"])
    return tokens


def revoke(data):
    if data.get("token"):
        return {"revoked": revoke_family(data["token"])}
    return {"revoked": _tokens(data).update(revoked_at=clock.now())}


def expire(data):
    return {"expired": _tokens(data).update(expires_at=clock.now() - timedelta(seconds=1))}


def fault(data):
    """{"host", "path"?, "method"?, "count"?} and either {"status", "retry_after"?} or {"delay": seconds}."""
    delay = float(data.get("delay", 0))
    status = int(data.get("status", 0)) if delay else int(data["status"])
    created = Fault.objects.create(host=data["host"], path_prefix=data.get("path", ""),
                                   method=data.get("method", "").upper(), status=status,
                                   delay_seconds=delay, retry_after=str(data.get("retry_after", "")),
                                   remaining=int(data.get("count", 1)))
    return {"fault": created.pk}


def advance_clock(data):
    clock.advance(float(data["seconds"]))
    return {"now": clock.now().isoformat()}


def freeze_clock(data):
    """{"frozen": true} stops the sandbox clock where it stands (advance still moves it); false lets it run."""
    clock.freeze(str(data.get("frozen", "true")).lower() in ("true", "1", "on"))
    return {"now": clock.now().isoformat()}


def reset(data):
    for model in (Call, Fault, Grant, Token, Clock, ZoomMeeting, ZoomDailyWrites, StripeAccount, StripeGrant,
                  StripeObject, StripeIdempotency, StripeRequestCount):
        model.objects.all().delete()
    return {"reset": True}


def zoom_delete(data):
    """The host deletes a meeting in Zoom itself (not through hubwire)."""
    found = ZoomMeeting.objects.get(meeting_id=int(data["meeting_id"]), deleted_at=None)
    zoom.delete_meeting(found, operator=found.body.get("host_email", ""))
    return {"deleted": found.meeting_id}


def zoom_validate(data):
    return {"valid": zoom_webhooks.validate_endpoint(data.get("client_id") or "sandbox-zoom")}


def zoom_uninstall(data):
    return {"uninstalled": zoom_webhooks.uninstall(data["email"])}


def _stripe_session(data) -> StripeObject:
    return StripeObject.objects.get(object_id=data["session"], kind="checkout.session")


def stripe_deauthorize(data):
    """The account's owner removes the platform in their Stripe Dashboard."""
    grants = StripeGrant.objects.filter(account_id=data["account"], deauthorized_at=None)
    if "livemode" in data:
        grants = grants.filter(livemode=str(data["livemode"]).lower() in ("true", "1"))
    found = list(grants)
    for grant in found:
        stripe_accounts.deauthorize(grant)
    return {"deauthorized": len(found)}


def stripe_disable(data):
    """Stripe stops the account taking charges (e.g. "rejected.fraud"); blank reason lifts it."""
    row = stripe_accounts.update(data["account"], {"disabled_reason": data.get("reason", "rejected.other")})
    return {"charges_enabled": row.body["charges_enabled"]}


def stripe_settle(data):
    """A delayed (bank debit) payment settles: {"session", "outcome": "succeeded" | "failed"}."""
    session = stripe_payments.settle(_stripe_session(data), succeeded=data.get("outcome", "succeeded") == "succeeded")
    return {"payment_status": session.body["payment_status"]}


def stripe_expire(data):
    return {"status": stripe_payments.session_expire(_stripe_session(data)).body["status"]}


def stripe_hold(data):
    stripe_events.hold(str(data.get("hold", "true")).lower() in ("true", "1", "on"))
    return {"holding": stripe_events.holding()}


def stripe_release(data):
    """Send held events: {"order": "sent" | "reverse", "twice": bool}."""
    twice = str(data.get("twice", "")).lower() in ("true", "1", "on")
    return {"sent": stripe_events.release(order=data.get("order", "sent"), twice=twice)}


ACTIONS = {"revoke": revoke, "expire": expire, "fault": fault, "clock": advance_clock,
           "clock-freeze": freeze_clock, "reset": reset,
           "zoom-delete-meeting": zoom_delete, "zoom-validate": zoom_validate, "zoom-uninstall": zoom_uninstall,
           "stripe-deauthorize": stripe_deauthorize, "stripe-disable": stripe_disable, "stripe-settle": stripe_settle,
           "stripe-expire": stripe_expire, "stripe-hold-events": stripe_hold, "stripe-release-events": stripe_release}


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
    except (KeyError, ValueError, ZoomMeeting.DoesNotExist, StripeAccount.DoesNotExist, StripeObject.DoesNotExist) as exc:
        return JsonResponse({"error": f"bad or missing field: {exc}"}, status=400)
    if request.content_type != "application/json":  # a button on the sandbox page
        return redirect("sandbox:index")
    return JsonResponse(result)


def index(request):
    """The sandbox's own page: its servers, live tokens, recent calls, and the test hooks as buttons."""
    require_sandbox()
    return render(request, "sandbox/index.html", {
        "servers": SERVERS.values(),
        "tokens": Token.objects.filter(revoked_at=None).order_by("-created_at")[:50],
        "calls": Call.objects.order_by("-id")[:50],
        "faults": Fault.objects.filter(remaining__gt=0),
        "zoom_meetings": ZoomMeeting.objects.filter(deleted_at=None).order_by("-created_at")[:50],
        "zoom_users": sorted({t.subject.get("email", "") for t in Token.objects.filter(server="zoom", revoked_at=None)}),
        "now": clock.now(),
        "twilio": {"account_sid": twilio.ACCOUNT_SID, "auth_token": twilio.AUTH_TOKEN},
        "stripe": {"accounts": StripeAccount.objects.order_by("-id")[:20],
                   "processing": StripeObject.objects.filter(kind="checkout.session", body__status="complete",
                                                             body__payment_status="unpaid").order_by("-id")[:20],
                   "holding": stripe_events.holding(),
                   "waiting": StripeObject.objects.filter(kind="event", state__delivered=0).count()},
    })
