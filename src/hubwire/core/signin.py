"""The team's sign-in attempts: throttled by core/throttle.py (per email, per known browser, and
per client address), each one recorded, and failures written to the audit log of every workspace
the login belongs to, so an owner sees someone guessing at a teammate's password."""

from django.conf import settings

from hubwire.core.audit import audit_record
from hubwire.core.models import Membership, SignInOutcome, TeamSignIn, User
from hubwire.core.throttle import KnownDevices, client_ip, wait_seconds

DEVICES = KnownDevices(cookie="hubwire_device", salt="hubwire.team.device")
SUBJECT = "team sign-in"


def normalize_email(email) -> str:
    return (email or "").strip().lower()


def wait_before(request, email: str, device: str) -> int:
    """How long an attempt to sign in as `email` from this request must wait (0: go ahead)."""
    buckets = [({"email": email, "device": device}, settings.HUBWIRE_TEAM_THROTTLE_PER_EMAIL)]
    if ip := client_ip(request):
        buckets.append(({"ip": ip}, settings.HUBWIRE_TEAM_THROTTLE_PER_IP))
    return wait_seconds(failures=TeamSignIn.objects.filter(outcome=SignInOutcome.BAD_CREDENTIALS), buckets=buckets,
                        window=settings.HUBWIRE_TEAM_THROTTLE_WINDOW)


def record(request, email: str, device: str, outcome: str, user: User | None = None) -> None:
    ip = client_ip(request)
    if outcome != SignInOutcome.SIGNED_IN:
        user = User.objects.filter(email=email).first()
    TeamSignIn.objects.create(email=email[:254], user=user, ip=ip, device=device, outcome=outcome)
    if outcome == SignInOutcome.BAD_CREDENTIALS and user is not None:
        # Bounded by the throttle: a stranger's failures stop counting here once they must wait.
        audit_for_user(user, "sign_in_failed", f"{email}: wrong password, from {ip or 'an unknown address'}")


def audit_for_user(user: User, action: str, detail: str = "", *, actor: User | None = None) -> None:
    """An entry in the audit log of every workspace `user` is on (something happened to their login)."""
    for membership in Membership.objects.filter(user=user).select_related("workspace"):
        audit_record(workspace=membership.workspace, action=action, subject=SUBJECT, actor=actor, detail=detail)
