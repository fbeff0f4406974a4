"""Zoom meetings on the shared sync parts, over real HTTP against the sandbox Zoom in the live server:
its schedule made on connect and run by the tick, every pass recorded as a run started by what asked
for it, and a failed meeting retried from the Zoom tab's sync panel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.crm.models import MeetingLink, MeetingLinkStatus
from hubwire.integrations.models import MeetingSync
from hubwire.jobs.models import JobStatus
from hubwire.jobs.runner import execute
from hubwire.sync.models import RunOutcome, Schedule, ScheduledRun, SyncRun
from hubwire.sync.schedules import schedules_run_due
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow
from tests.integrations.meetings import book, link_of, live_meetings, run_jobs

pytestmark = SANDBOX_DB
MEETINGS = "/v2/users/me/meetings"


@pytest.fixture
def zoom(sandbox, owner_client, workspace):
    return oauth_flow.connect(owner_client, workspace)


def runs(**filters) -> list[SyncRun]:
    return list(SyncRun.objects.filter(provider="zoom", **filters).order_by("id"))


def test_connecting_zoom_creates_its_schedule_once_and_the_tab_shows_it(zoom, workspace, owner_client):
    [schedule] = Schedule.objects.filter(workspace=workspace, provider="zoom")
    assert (schedule.name, schedule.every_minutes, schedule.enabled) == ("meetings.resume_waiting", 30, True)
    assert timedelta(minutes=29) < schedule.next_run_at - timezone.now() <= timedelta(minutes=30)

    oauth_flow.connect(owner_client, workspace)  # reconnecting keeps the one schedule
    assert Schedule.objects.filter(workspace=workspace, provider="zoom").count() == 1
    html = owner_client.get("/integrations/zoom/").content.decode()
    assert "Resume meeting links waiting for Zoom" in html and "Every 30 minutes" in html


def test_each_meeting_pass_is_a_run_started_by_what_asked_for_it(zoom, workspace, owner_client):
    appointment = book(workspace)
    run_jobs()
    [made] = runs()
    assert (made.what, made.trigger, made.created, made.outcome) == ("meeting", "change", 1, RunOutcome.SUCCEEDED)

    owner_client.post(f"/integrations/meetings/{appointment.pk}/retry/")  # the appointment card's Retry
    run_jobs()
    assert runs()[-1].trigger == "button"
    html = owner_client.get("/integrations/zoom/").content.decode()
    assert "started by someone pressing a button" in html and "1 in step, 0 waiting, 0 need you" in html


def test_a_failed_meeting_is_retried_from_the_zoom_tabs_panel(sandbox, zoom, workspace, owner_client):
    sandbox.control("fault", host="api.zoom.us", path=MEETINGS, status=400)
    appointment = book(workspace)
    run_jobs()
    link = link_of(appointment)
    assert link.status == MeetingLinkStatus.FAILED
    [refused] = runs()
    assert refused.outcome == RunOutcome.FAILED and refused.failed == 1
    assert refused.errors[0]["why"].startswith("Zoom refused to create or update the meeting")
    tab = owner_client.get("/integrations/zoom/").content.decode()
    assert "Zoom refused to create or update the meeting" in tab and "1 needs you" in tab

    panel = owner_client.post(f"/integrations/sync/{link.pk}/retry/", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "Trying “Brand review with ACME” again." in panel.content.decode()
    run_jobs()
    assert link_of(appointment).status == MeetingLinkStatus.READY and len(live_meetings()) == 1
    retried = runs()[-1]
    assert (retried.trigger, retried.created, retried.outcome) == ("button", 1, RunOutcome.SUCCEEDED)


def test_a_meeting_deleted_in_zoom_is_a_run_started_by_zooms_message(sandbox, zoom, workspace):
    appointment = book(workspace)
    run_jobs()
    sandbox.control("zoom-delete-meeting", meeting_id=link_of(appointment).meeting_id)
    run_jobs()
    [flagged] = runs(trigger="webhook")
    assert runs()[-1] == flagged  # the appointment's own follow-up pass changes nothing, so it is no run
    assert (flagged.trigger, flagged.failed, flagged.outcome) == ("webhook", 1, RunOutcome.FAILED)
    assert "deleted in Zoom" in flagged.errors[0]["why"]


def test_the_schedule_resumes_links_left_waiting_and_leaves_ones_with_a_job_on_its_way(zoom, workspace):
    left, queued = book(workspace, title="Left waiting"), book(workspace, title="Waiting for Zoom's reset")
    run_jobs()
    # One link was given up on while Zoom was unreachable; the other waits for a job due tomorrow.
    MeetingLink.objects.filter(appointment__in=[left, queued]).update(status=MeetingLinkStatus.PENDING)
    tomorrow = timezone.now() + timedelta(days=1)
    MeetingSync.objects.filter(appointment=queued).update(status=JobStatus.PENDING, next_attempt_at=tomorrow)
    Schedule.objects.filter(workspace=workspace).update(next_run_at=timezone.now() - timedelta(minutes=1))

    [run] = schedules_run_due()
    assert execute(ScheduledRun._meta.label_lower, run.pk) == "done"
    schedule = Schedule.objects.get(workspace=workspace)
    assert (schedule.last_outcome, schedule.last_succeeded) == ("Queued 1 waiting meeting link.", True)
    assert schedule.next_run_at > timezone.now()
    run_jobs()
    assert link_of(left).status == MeetingLinkStatus.READY
    assert runs(trigger="schedule")[0].outcome == RunOutcome.SUCCEEDED
    assert MeetingSync.objects.get(appointment=queued, status=JobStatus.PENDING).next_attempt_at == tomorrow


def test_the_schedule_does_nothing_while_zoom_is_disconnected(zoom, workspace, owner_client):
    owner_client.post("/integrations/zoom/disconnect/", {"mode": ""})
    Schedule.objects.filter(workspace=workspace).update(next_run_at=timezone.now() - timedelta(minutes=1))
    [run] = schedules_run_due()
    execute(ScheduledRun._meta.label_lower, run.pk)
    assert Schedule.objects.get(workspace=workspace).last_outcome == "Nothing to do while Zoom is not connected."
