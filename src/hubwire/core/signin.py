"""The team's sign-in attempts: throttled by core/throttle.py (per email, per known browser, and
per client address), each one recorded, and failures written to the audit log of every workspace
the login belongs to, so an owner sees someone guessing at a teammate's password."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.core.models import Membership, SignInOutcome, TeamSignIn, User
from hubwire.core.throttle import KnownDevices, client_ip, wait_seconds

DEVICES = KnownDevices(cookie="hubwire_device", salt="hubwire.team.device")
SUBJECT = "team sign-in"
# Reset emails per email address per hour: enough for someone forgetful, too few to flood an inbox.
RESETS_PER_HOUR = 3


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


def reset_email_allowed(request, email: str) -> bool:
    """Record a request for a reset email; False when this address had RESETS_PER_HOUR already.
    The page answers the same either way (no way to learn who has a login, or who is being flooded)."""
    email = normalize_email(email)
    recent = TeamSignIn.objects.filter(email=email, outcome=SignInOutcome.RESET_REQUESTED,
                                       created_at__gte=timezone.now() - timedelta(hours=1)).count()
    TeamSignIn.objects.create(email=email[:254], ip=client_ip(request), outcome=SignInOutcome.RESET_REQUESTED)
    return recent < RESETS_PER_HOUR
