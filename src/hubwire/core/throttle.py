"""Sign-in throttling that slows guessing without letting a stranger lock anyone out for good.

One mechanism for the team's sign-in and the Client Portal's. Failed attempts are counted over a
sliding window, per client address (the whole instance) and per login. The per-login count is
kept apart for each browser that signed in as that login before (a signed "known device" cookie):
someone hammering nora@northwind.example from elsewhere only slows attempts from browsers that
never signed in as Nora. Her own browser keeps working, and from a new one a password reset by
email always works and signs her in. Nothing is permanent: the window slides (OWASP's advice on
lockouts)."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone

DEVICE_MAX_AGE = 365 * 24 * 3600


def client_ip(request) -> str | None:
    """The caller's address; behind a proxy, the one the proxy appended last (the only one it vouches for)."""
    if settings.HUBWIRE_BEHIND_PROXY and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


@dataclass(frozen=True)
class KnownDevices:
    """The signed cookie that tells a browser that signed in as a login before."""

    cookie: str
    salt: str
    path: str = "/"

    def device(self, request, login_key) -> str:
        """This browser's device id when it signed in as `login_key` before, else ''."""
        if login_key is None:
            return ""
        try:
            value = signing.loads(request.COOKIES.get(self.cookie, ""), salt=self.salt, max_age=DEVICE_MAX_AGE)
        except signing.BadSignature:
            return ""
        return value.get("d", "") if value.get("u") == login_key else ""

    def remember(self, response, login_key, device: str = "") -> None:
        value = signing.dumps({"u": login_key, "d": device or secrets.token_hex(16)}, salt=self.salt)
        response.set_cookie(self.cookie, value, max_age=DEVICE_MAX_AGE, path=self.path,
                            secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")


def wait_seconds(*, failures: QuerySet, buckets: list[tuple[dict, int]], window: int) -> int:
    """How long the next attempt must wait (0: go ahead). `failures` are the failed attempts (rows
    with a `created_at`); each bucket is a filter on them and the failures it allows per window."""
    now = timezone.now()
    recent_failures = failures.filter(created_at__gte=now - timedelta(seconds=window))
    wait = 0
    for where, limit in buckets:
        if not limit:
            continue
        recent = list(recent_failures.filter(**where).order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(recent) >= limit:
            # Free again when the oldest of the last `limit` failures leaves the window.
            wait = max(wait, math.ceil((recent[-1] + timedelta(seconds=window) - now).total_seconds()))
    return max(wait, 0)


def wait_message(wait: int, way_out: str) -> str:
    minutes = max(1, round(wait / 60))
    return f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}, or {way_out}."
