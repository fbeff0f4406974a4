"""Events, as Stripe sends them to a platform's Connect endpoint (providers.md §1.8): the event
envelope with a top-level `account`, signed `Stripe-Signature: t=…,v1=…` with the endpoint's
whsec_ secret over "{t}.{raw body}", POSTed to hubwire's receiver at once.

Test hooks: hold events (nothing is sent, as when Stripe is slow), then release them in order,
reversed, or each twice (Stripe neither orders nor de-duplicates its deliveries). Unlike Stripe, a
failed delivery is not retried; the call log shows it."""

import hashlib
import hmac
import json
import time
from hubwire.sandbox import clock
from hubwire.sandbox.clients import post_event
from hubwire.sandbox.models import StripeObject
from hubwire.sandbox.stripe.platforms import Platform
from hubwire.sandbox.stripe.wire import new_id

API_VERSION = "2026-08-26.dahlia"  # the newest GA version in stripe/openapi (providers.md §1.2)
HOLD = "sandbox_hold_events"


def signature_header(secret: str, payload: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def emit(*, platform: str, livemode: bool, account: str | None, type: str, obj: dict, previous: dict | None = None,
         request_id: str | None = None, idempotency_key: str | None = None) -> StripeObject:
    data = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    body = {"id": new_id("evt_"), "object": "event", "api_version": API_VERSION, "created": int(clock.now().timestamp()),
            "data": data, "livemode": livemode, "pending_webhooks": 1,
            "request": {"id": request_id, "idempotency_key": idempotency_key}, "type": type}
    if account:
        body["account"] = account
    event = StripeObject.objects.create(object_id=body["id"], kind="event", platform=platform, account_id=account or "",
                                        livemode=livemode, body=body, state={"delivered": 0},
                                        created_at=clock.now())
    if not holding():
        deliver(event)
    return event


def deliver(event: StripeObject) -> int:
    """Sign and POST one event; the HTTP status, or 0 when hubwire could not be reached."""
    platform = Platform(event.platform, event.livemode)
    payload = json.dumps(event.body, indent=2).encode()  # Stripe pretty-prints; the signature covers the raw bytes
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
               "Stripe-Signature": signature_header(platform.webhook_secret, payload)}
    response = post_event(platform.webhook_url, payload, headers, event.body["type"])
    status = response.status_code if response is not None else 0
    event.state = {**event.state, "delivered": event.state.get("delivered", 0) + 1, "last_status": status}
    StripeObject.objects.filter(pk=event.pk).update(state=event.state)
    return status


def holding() -> bool:
    return StripeObject.objects.filter(kind="setting", object_id=HOLD).exists()


def hold(on: bool) -> None:
    if on:
        StripeObject.objects.get_or_create(object_id=HOLD, defaults={"kind": "setting", "created_at": clock.now()})
    else:
        StripeObject.objects.filter(object_id=HOLD).delete()


def release(*, order: str = "sent", twice: bool = False) -> list[str]:
    """Stop holding and send every undelivered event: in the order they happened, or reversed;
    with twice, each is sent two times. Returns the event types, in sending order."""
    hold(False)
    waiting = list(StripeObject.objects.filter(kind="event", state__delivered=0).order_by("id"))
    if order == "reverse":
        waiting.reverse()
    sent = []
    for event in waiting:
        for _ in range(2 if twice else 1):
            deliver(event)
            sent.append(event.body["type"])
    return sent
