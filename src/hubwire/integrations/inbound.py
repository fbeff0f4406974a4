"""One receiver for every provider's webhooks (providers.md §9).

Verify the signature over the raw body (and the timestamp, where the provider sends one) before
anything is written; store the event once, unique by (provider, event id); answer 2xx at once; let a
worker process it. A duplicate delivery is acknowledged and not processed again."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse

from hubwire.core.redaction import scrub
from hubwire.core.strict_json import BadJson, parse_json
from hubwire.integrations.models import Connection, InboundEvent
from hubwire.integrations.registry import PROVIDERS, InboundRejected
from hubwire.jobs.runner import enqueue

log = logging.getLogger(__name__)

# Headers worth keeping with the event for support; never cookies or credentials.
_KEPT_HEADERS = ("content-type", "user-agent", "x-zm-request-timestamp", "x-zm-trackingid", "stripe-signature",
                 "intuit-signature", "x-twilio-signature", "webhook-id", "webhook-timestamp", "x-goog-channel-id",
                 "x-goog-resource-state", "x-goog-message-number")


def receive(request: HttpRequest, provider) -> JsonResponse:
    body = request.body
    try:
        delivery = provider.verify_inbound(request.headers, body)
    except InboundRejected as exc:
        log.warning("rejected %s event: %s", provider.key, scrub(exc.reason))
        return JsonResponse({"error": exc.reason}, status=exc.status)
    if delivery.immediate is not None:
        return delivery.immediate
    event_id = delivery.event_id or hashlib.sha256(body).hexdigest()
    headers = {k: v for k, v in request.headers.items() if k.lower() in _KEPT_HEADERS}
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(provider=provider.key, event_id=event_id[:200],
                                                event_type=delivery.event_type[:120],
                                                account_ref=delivery.account_ref[:200], headers=headers,
                                                body=body.decode("utf-8", "replace"))
            enqueue(event)
    except IntegrityError:
        return JsonResponse({"received": True, "duplicate": True})
    return JsonResponse({"received": True})


def process(event: InboundEvent) -> None:
    """Runs in a worker (InboundEvent.perform), inside the job's transaction."""
    provider = PROVIDERS[event.provider]
    event.outcome = provider.handle_event(event)[:2000]
    InboundEvent.objects.filter(pk=event.pk).update(outcome=event.outcome)


def connections_for(provider, account_ref: str):
    """The connections an event is about (a provider account may be connected to more than one workspace)."""
    if not account_ref:
        return Connection.objects.none()
    return Connection.objects.filter(provider=provider.key, external_account_id=account_ref).select_related("workspace")


# --- signature helpers shared by providers -----------------------------------------------------

def hmac_hex(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def check_timestamp(timestamp: str, tolerance: int, *, now: float | None = None) -> int:
    """An integer unix timestamp within `tolerance` seconds of now, or InboundRejected."""
    try:
        value = int(timestamp)
    except (TypeError, ValueError):
        raise InboundRejected("missing or malformed timestamp", status=400) from None
    if abs((now or time.time()) - value) > tolerance:
        raise InboundRejected("timestamp outside the tolerance window (a replay, or a clock far off)", status=400)
    return value


def json_body(body: bytes) -> dict:
    try:
        payload = parse_json(body)
    except BadJson as exc:
        raise InboundRejected(f"body refused: {exc}", status=400) from None
    if not isinstance(payload, dict):
        raise InboundRejected("body is not a JSON object", status=400)
    return payload
