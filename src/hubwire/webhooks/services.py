"""Writes of the Webhooks Manager: endpoints (create, rotate the secret), resend and replay."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.events import catalog
from hubwire.webhooks.fanout import wake_dispatcher
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint, Preset
from hubwire.webhooks.signing import new_secret
from hubwire.webhooks.ssrf import url_problem

ROTATION_OVERLAP = timedelta(hours=24)
HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")
# Headers hubwire sets itself (or that HTTP owns); a custom header may not replace them.
RESERVED_HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length",
                    "host", "user-agent", "transfer-encoding", "connection"}


def _clean(data: dict, *, creating: bool) -> dict:
    errors, values = {}, {}
    if creating or "url" in data:
        url = (data.get("url") or "").strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
            problem = url_problem(url)
        except ValidationError:
            problem = url_problem(url) or "Enter a valid URL, e.g. https://hooks.example.com/hubwire."
        if problem:
            errors["url"] = problem
        values["url"] = url
    if "description" in data:
        values["description"] = (data.get("description") or "").strip()[:300]
    if "event_types" in data:
        wanted = list(dict.fromkeys(data.get("event_types") or []))
        unknown = [t for t in wanted if t not in catalog.CATALOG]
        if unknown:
            errors["event_types"] = f"Unknown event type(s): {', '.join(map(str, unknown))}. See GET /api/events/types."
        values["event_types"] = wanted
    if "preset" in data or creating:
        preset = data.get("preset") or Preset.GENERIC
        if preset not in Preset.values:
            errors["preset"] = f"Choose one of: {', '.join(Preset.values)}."
        values["preset"] = preset
    if "headers" in data:
        headers = data.get("headers") or {}
        if not isinstance(headers, dict):
            errors["headers"] = "Give headers as name → value."
        else:
            bad = [n for n, v in headers.items() if not HEADER_NAME.fullmatch(str(n)) or not isinstance(v, str)
                   or "\n" in v or "\r" in v]
            reserved = [n for n in headers if str(n).lower() in RESERVED_HEADERS]
            if bad:
                errors["headers"] = f"Not a valid header: {', '.join(map(str, bad))}."
            elif reserved:
                errors["headers"] = f"hubwire sets these headers itself: {', '.join(reserved)}."
            values["headers"] = headers
    if "enabled" in data:
        values["enabled"] = bool(data["enabled"])
    if errors:
        raise FieldError(errors)
    return values


def endpoint_create(*, workspace, **data) -> Endpoint:
    """A new endpoint with a fresh signing secret (shown to the user once, by the caller)."""
    values = _clean(data, creating=True)
    return Endpoint.objects.create(workspace=workspace, secret=new_secret(), **values)


def endpoint_update(*, endpoint: Endpoint, **data) -> Endpoint:
    values = _clean(data, creating=False)
    if values.get("enabled") and not endpoint.enabled:
        values.update(disabled_reason="", failing_since=None)
    for key, value in values.items():
        setattr(endpoint, key, value)
    endpoint.save()
    return endpoint


def endpoint_rotate_secret(*, endpoint: Endpoint) -> str:
    """A new secret; for 24 hours deliveries are signed with both, so receivers can switch over."""
    with transaction.atomic():
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
