"""Sign-in throttling that slows guessing without letting a stranger lock a client out.

Failed attempts (wrong email or password) are counted over a sliding window, per IP address (all
portals of this instance) and per email. The per-email count is kept apart for each browser the
client has signed in with before (a signed "known device" cookie): someone hammering
maya@acme.example from elsewhere only slows down attempts from browsers that never signed in as
Maya. Maya's own browser keeps working, and from a new one a password reset by email always works
and signs her in. Nothing is permanent: the window slides (OWASP's advice on lockouts)."""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from hubwire.portal.models import PortalSignIn, SignInOutcome
from hubwire.portal.session import DEVICE_COOKIE, set_portal_cookie

DEVICE_SALT = "hubwire.portal.device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def client_ip(request) -> str | None:
    """The caller's address; behind a proxy, the one the proxy appended last (the only one it vouches for)."""
    if settings.HUBWIRE_BEHIND_PROXY and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def known_device(request, portal_user) -> str:
    """This browser's device id when it signed in as `portal_user` before, else ''."""
    if portal_user is None:
        return ""
    try:
        value = signing.loads(request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return ""
    return value.get("d", "") if value.get("u") == portal_user.pk else ""


def remember_device(response, portal_user, device: str) -> None:
    value = signing.dumps({"u": portal_user.pk, "d": device or secrets.token_hex(16)}, salt=DEVICE_SALT)
    set_portal_cookie(response, DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE)


def wait_seconds(*, workspace, email: str, ip: str | None, device: str) -> int:
    """How long this attempt must wait (0: go ahead)."""
    window = timedelta(seconds=settings.HUBWIRE_PORTAL_THROTTLE_WINDOW)
    now = timezone.now()
    failures = PortalSignIn.objects.filter(outcome=SignInOutcome.BAD_CREDENTIALS, created_at__gte=now - window)
    buckets = [(failures.filter(workspace=workspace, email=email, device=device),
                settings.HUBWIRE_PORTAL_THROTTLE_PER_EMAIL)]
    if ip:
        buckets.append((failures.filter(ip=ip), settings.HUBWIRE_PORTAL_THROTTLE_PER_IP))
    wait = 0
    for attempts, limit in buckets:
        recent = list(attempts.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if limit and len(recent) >= limit:
            # Free again when the oldest of the last `limit` failures leaves the window.
            wait = max(wait, math.ceil((recent[-1] + window - now).total_seconds()))
    return max(wait, 0)
