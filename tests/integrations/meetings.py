"""Helpers for the meeting tests: book appointments on Zoom, run the queued work as a worker
would, and read what the sandbox Zoom holds."""

from datetime import datetime, timedelta

from django.utils import timezone

from hubwire.crm.models import MeetingLink
from hubwire.crm.services.scheduling import appointment_book
from hubwire.jobs.models import JobStatus
from hubwire.jobs.registry import JOB_MODELS
from hubwire.jobs.runner import execute
from hubwire.sandbox.models import ZoomMeeting



def book(workspace, *, title="Brand review with ACME", start=datetime(2026, 12, 1, 10, 0), minutes=45,
         time_zone="America/New_York", location_type="zoom", **extra):
    return appointment_book(workspace=workspace, actor="owner@example.test", title=title, start=start,
                            end=start + timedelta(minutes=minutes), time_zone=time_zone, location_type=location_type,
                            **extra)


def run_jobs(*, force: bool = False, rounds: int = 25) -> list[str]:
    """Run every due job (all of them with `force`, whatever their next attempt time) until none
    is left; returns what each run said."""
    outcomes = []
    for _ in range(rounds):
        ran = False
        for label, model in JOB_MODELS.items():
            due = model.objects.filter(status=JobStatus.PENDING)
            if force:
                due.update(next_attempt_at=timezone.now())
            else:
                due = due.filter(next_attempt_at__lte=timezone.now())
            for pk in list(due.order_by("pk").values_list("pk", flat=True)):
                outcome = execute(label, pk)
                outcomes.append(outcome)
                ran = ran or outcome != "skipped"
        if not ran:
            return outcomes
    raise AssertionError(f"jobs still running after {rounds} rounds: {outcomes[-10:]}")


def link_of(appointment) -> MeetingLink | None:
    return MeetingLink.objects.filter(appointment=appointment).first()


def live_meetings() -> list[ZoomMeeting]:
    return list(ZoomMeeting.objects.filter(deleted_at=None).order_by("id"))
