"""Writes of the Webhooks Manager: endpoints (create, rotate the secret, delete), Zapier REST hook
subscriptions, resend, replay and test events."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.core.errors import FieldError
from hubwire.events import catalog
from hubwire.webhooks.tasks import wake_dispatcher
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint, Preset, Source
from hubwire.webhooks.payloads import body_for
from hubwire.webhooks.removal import endpoint_delete  # noqa: F401  (part of this module's interface)
from hubwire.webhooks.signing import new_secret, new_webhook_id
from hubwire.webhooks.ssrf import SCHEMES, url_problem

ROTATION_OVERLAP = timedelta(hours=24)
URL_MAX_LENGTH = Endpoint._meta.get_field("url").max_length
HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")
# Headers hubwire sets itself (or that HTTP owns); a custom header may not replace them.
RESERVED_HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length",
                    "host", "user-agent", "transfer-encoding", "connection"}


def url_problem_of(url: str) -> str:
    """Why `url` (already trimmed) cannot be an endpoint's URL, or "". The API's schema asks the same."""
    if len(url) > URL_MAX_LENGTH:  # first: the other checks need not read a huge value
        return f"The URL is too long: at most {URL_MAX_LENGTH} characters."
    if problem := url_problem(url):
        return problem
    try:
        URLValidator(schemes=list(SCHEMES))(url)
    except ValidationError:
        return "Enter a valid URL, e.g. https://hooks.example.com/hubwire."
    return ""


def event_types_problem(event_types: list) -> str:
    """Why these event types cannot be subscribed to (some are not in the catalog), or ""."""
    unknown = [t for t in dict.fromkeys(event_types) if t not in catalog.CATALOG]
    return f"Unknown event type(s): {', '.join(map(str, unknown))}. See GET /api/events/types." if unknown else ""


def rest_hook_event_problem(event: str) -> str:
    # An endpoint with no event types wants them all; a subscription names one.
    return event_types_problem([event]) if event else "This field is required: an event type, e.g. lead.created."


def headers_problem(headers) -> str:
    """Why these custom headers cannot be sent with deliveries, or ""."""
    if not isinstance(headers, dict):
        return "Give headers as name → value."
    bad = [n for n, v in headers.items() if not HEADER_NAME.fullmatch(str(n)) or not isinstance(v, str)
           or "\n" in v or "\r" in v]
    if bad:
        return f"Not a valid header: {', '.join(map(str, bad))}."
    if reserved := [n for n in headers if str(n).lower() in RESERVED_HEADERS]:
        return f"hubwire sets these headers itself: {', '.join(reserved)}."
    return ""


def _clean(data: dict, *, creating: bool) -> dict:
    errors, values = {}, {}
    if creating or "url" in data:
        values["url"] = (data.get("url") or "").strip()
        if problem := url_problem_of(values["url"]):
            errors["url"] = problem
    if "description" in data:
        values["description"] = (data.get("description") or "").strip()[:300]
    if "event_types" in data:
        values["event_types"] = list(dict.fromkeys(data.get("event_types") or []))
        if problem := event_types_problem(values["event_types"]):
            errors["event_types"] = problem
    if "preset" in data or creating:
        preset = data.get("preset") or Preset.GENERIC
        if preset not in Preset.values:
            errors["preset"] = f"Choose one of: {', '.join(Preset.values)}."
        values["preset"] = preset
    if "headers" in data:
        values["headers"] = data.get("headers") or {}
        if problem := headers_problem(values["headers"]):
            errors["headers"] = problem
    if "enabled" in data:
        values["enabled"] = bool(data["enabled"])
    if errors:
        raise FieldError(errors)
    return values


def endpoint_errors(data: dict, *, creating: bool) -> dict[str, str]:
    """What is wrong with these endpoint fields, without saving anything (for a page that found more)."""
    try:
        _clean(data, creating=creating)
    except FieldError as exc:
        return exc.errors
    return {}


def endpoint_create(*, workspace, actor=None, source: str = Source.MANAGER, **data) -> Endpoint:
    """A new endpoint with a fresh signing secret (shown to the user once, by the caller)."""
    values = _clean(data, creating=True)
    with transaction.atomic():
        endpoint = Endpoint.objects.create(workspace=workspace, secret=new_secret(), source=source, **values)
        audit_record(workspace=workspace, action="webhook_endpoint_created", subject=endpoint.url[:200], actor=actor,
                     detail=f"{endpoint.get_preset_display()}; {', '.join(endpoint.event_types) or 'all events'}")
    return endpoint


def rest_hook_subscribe(*, workspace, target_url: str, event: str, actor=None) -> Endpoint:
    """A Zapier REST hook subscription (providers.md §8): an endpoint for one event, Zapier's payload.
    Errors name the fields Zapier sent (`target_url`, `event`)."""
    errors = {"target_url" if field == "url" else field: problem
              for field, problem in endpoint_errors({"url": target_url}, creating=True).items()}
    if problem := rest_hook_event_problem(event):
        errors["event"] = problem
    if errors:
        raise FieldError(errors)
    return endpoint_create(workspace=workspace, actor=actor, source=Source.REST_HOOK, url=target_url,
                           event_types=[event], preset=Preset.ZAPIER, description=f"Zapier REST hook: {event}")


def endpoint_update(*, endpoint: Endpoint, actor=None, **data) -> Endpoint:
    values = _clean(data, creating=False)
    if values.get("enabled") and not endpoint.enabled:
        values.update(disabled_reason="", failing_since=None)
    changed = sorted(k for k, v in values.items() if getattr(endpoint, k) != v and k in data)
    with transaction.atomic():
        for key, value in values.items():
            setattr(endpoint, key, value)
        endpoint.save()
        if changed:
            audit_record(workspace=endpoint.workspace, action="webhook_endpoint_updated", subject=endpoint.url[:200],
                         actor=actor, detail=f"changed {', '.join(changed)}")
    return endpoint


def endpoint_rotate_secret(*, endpoint: Endpoint, actor=None) -> str:
    """A new secret; for 24 hours deliveries are signed with both, so receivers can switch over."""
    with transaction.atomic():
        audit_record(workspace=endpoint.workspace, action="webhook_endpoint_secret_rotated",
                     subject=endpoint.url[:200], actor=actor, detail="the previous secret is honoured for 24 hours")
        endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, timezone.now() + ROTATION_OVERLAP
        endpoint.secret = new_secret()
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    return endpoint.secret


def _resend(deliveries) -> int:
    count = deliveries.exclude(status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0, locked_until=None)
    if count:
        transaction.on_commit(wake_dispatcher)
    return count


def delivery_resend(*, delivery: Delivery) -> int:
    """Send one delivery again (same webhook-id and body), whatever its state."""
    return _resend(Delivery.objects.filter(pk=delivery.pk))


def endpoint_replay_failed(*, endpoint: Endpoint, since) -> int:
    """Send again every failed delivery of this endpoint created since `since`."""
    return _resend(endpoint.deliveries.filter(status=DeliveryStatus.FAILED, created_at__gte=since))


@dataclass
class TestEvent:
    """What "Send test event" sends: shaped like a real event, never stored as one (no handler sees it)."""

    workspace_id: int
    type: str = "webhook.test"
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=timezone.now)
    data: dict = field(default_factory=lambda: {
        "id": 0, "name": "Test event from hubwire",
        "message": "If you can read this, the endpoint receives hubwire's webhooks."})

    def envelope(self) -> dict:
        return {"type": self.type, "timestamp": self.occurred_at.isoformat(), "data": self.data}


def endpoint_send_test(*, endpoint: Endpoint) -> Delivery:
    """Queue a test delivery now, signed like every other and in the endpoint's preset, whatever events
    the endpoint wants (a disabled endpoint records the test as refused, saying why)."""
    event = TestEvent(workspace_id=endpoint.workspace_id)
    with transaction.atomic():
        delivery = Delivery.objects.create(workspace_id=endpoint.workspace_id, endpoint=endpoint, event=None,
                                           event_type=event.type, webhook_id=new_webhook_id(),
                                           body=body_for(endpoint.preset, event).decode())
        transaction.on_commit(wake_dispatcher)
    return delivery
