"""The Client Portal's sign-in throttle: core.throttle's mechanism, counted on PortalSignIn rows,
per email (per known browser) in one workspace and per client address across all portals."""

from __future__ import annotations

from django.conf import settings

from hubwire.core.throttle import KnownDevices, wait_seconds as _wait_seconds
from hubwire.portal.models import PortalSignIn, SignInOutcome
from hubwire.portal.session import DEVICE_COOKIE, PREFIX

DEVICES = KnownDevices(cookie=DEVICE_COOKIE, salt="hubwire.portal.device", path=PREFIX)


def known_device(request, portal_user) -> str:
    return DEVICES.device(request, portal_user.pk if portal_user else None)


def remember_device(response, portal_user, device: str) -> None:
    DEVICES.remember(response, portal_user.pk, device)


def wait_seconds(*, workspace, email: str, ip: str | None, device: str) -> int:
    """How long this attempt must wait (0: go ahead)."""
    buckets = [({"workspace": workspace, "email": email, "device": device}, settings.HUBWIRE_PORTAL_THROTTLE_PER_EMAIL)]
    if ip:
        buckets.append(({"ip": ip}, settings.HUBWIRE_PORTAL_THROTTLE_PER_IP))
    return _wait_seconds(failures=PortalSignIn.objects.filter(outcome=SignInOutcome.BAD_CREDENTIALS),
                         buckets=buckets, window=settings.HUBWIRE_PORTAL_THROTTLE_WINDOW)
