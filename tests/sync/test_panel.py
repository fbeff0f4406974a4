"""The shared sync panel: what it shows on a provider's tab, and its Retry, over HTTP with the test
client: the provider's registered retry handler is called for a row of this workspace only."""

from datetime import UTC, datetime

import pytest

from hubwire.crm.models import MeetingLink, MeetingLinkStatus
from hubwire.sync.models import Schedule, SyncRecord, SyncStatus, Trigger
from hubwire.sync.registry import retry_handler
from hubwire.sync.runs import sync_run
from tests.conftest import logged_in
from tests.integrations.meetings import book

pytestmark = pytest.mark.django_db

RETRIED: list[int] = []


@retry_handler("example", "customer")
def retry_customer(record) -> str:
    RETRIED.append(record.pk)
    SyncRecord.objects.filter(pk=record.pk).update(status=SyncStatus.PENDING, reason="Trying again…")
    return "Sending the customer again."


@pytest.fixture
def failed(workspace):
    RETRIED.clear()
    return SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=7,
                                     status=SyncStatus.FAILED, reason="A customer in QuickBooks already has this name.")


def retry_url(record) -> str:
    return f"/integrations/sync/{record.pk}/retry/"


def test_retry_calls_the_providers_handler_and_htmx_gets_the_panel_back(failed, owner_client):
    answer = owner_client.post(retry_url(failed), headers={"HX-Request": "true"})
    assert answer.status_code == 200 and RETRIED == [failed.pk]
    html = answer.content.decode()
    assert 'id="sync-panel"' in html and "Sending the customer again." in html
    assert "0 in step, 1 waiting, 0 need you" in html  # the row is no longer listed as failed
    assert 'data-testid="sync-retry"' not in html


def test_retry_without_htmx_goes_back_to_the_tab_saying_what_happened(failed, owner_client):
    answer = owner_client.post(retry_url(failed))
    assert answer.status_code == 302 and answer["Location"] == "/integrations/example/"
    assert RETRIED == [failed.pk]


def test_a_member_may_retry_too(failed, member):
    assert logged_in(member).post(retry_url(failed), headers={"HX-Request": "true"}).status_code == 200
    assert RETRIED == [failed.pk]


def test_another_workspaces_row_is_a_404_and_nothing_is_retried(failed, outsider):
    assert logged_in(outsider).post(retry_url(failed)).status_code == 404
    assert RETRIED == []


def test_retry_is_post_only_and_needs_a_handler_and_a_sign_in(failed, owner_client, workspace, client):
    assert owner_client.get(retry_url(failed)).status_code == 405
    unknown = SyncRecord.objects.create(workspace=workspace, provider="example", kind="invoice", local_id=1,
                                        status=SyncStatus.FAILED)
    assert owner_client.post(retry_url(unknown)).status_code == 404
    assert owner_client.post("/integrations/sync/999999/retry/").status_code == 404
    assert client.post(retry_url(failed)).status_code == 302  # to the sign-in page
    assert RETRIED == []


def test_a_row_already_on_its_way_is_not_retried_twice(failed, owner_client):
    owner_client.post(retry_url(failed), headers={"HX-Request": "true"})
    again = owner_client.post(retry_url(failed), headers={"HX-Request": "true"})
    assert "This item is already being synced again." in again.content.decode()
    assert RETRIED == [failed.pk]


def test_the_zoom_tab_shows_last_sync_counts_failed_meetings_and_schedules(workspace, owner_client):
    appointment = book(workspace, title="Kick-off with ACME", start=datetime(2026, 12, 1, 10, 0))
    MeetingLink.objects.create(workspace=workspace, appointment=appointment, provider="zoom",
                               status=MeetingLinkStatus.FAILED, reason="Zoom refused to create or update the meeting.")
    with sync_run(workspace=workspace, provider="zoom", what="meeting", trigger=Trigger.BUTTON) as run:
        run.created += 1
    Schedule.objects.create(workspace=workspace, provider="zoom", name="meetings.resume_waiting",
                            title="Resume meeting links waiting for Zoom", every_minutes=30,
                            next_run_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))

    html = owner_client.get("/integrations/zoom/").content.decode()
    assert 'data-testid="sync-panel"' in html
    assert "started by someone pressing a button" in html and "1 created" in html
    assert "0 in step, 0 waiting, 1 needs you" in html
    assert "Kick-off with ACME, 2026-12-01 10:00 (America/New_York)" in html
    assert f'href="/appointments/{appointment.pk}/"' in html
    assert "Zoom refused to create or update the meeting." in html
    assert f'action="/integrations/sync/{appointment.meeting_link.pk}/retry/"' in html
    assert "Resume meeting links waiting for Zoom" in html and "Every 30 minutes" in html
    assert "Next: 2026-12-01 09:30 UTC" in html and "Has not run yet" in html


def test_a_tab_with_nothing_synced_shows_no_panel(owner_client):
    assert 'data-testid="sync-panel"' not in owner_client.get("/integrations/zoom/").content.decode()


def test_the_panel_lists_the_latest_runs_newest_first_with_why_one_failed(workspace, owner_client):
    for n in range(7):
        with sync_run(workspace=workspace, provider="zoom", what="meeting", trigger=Trigger.SCHEDULE) as run:
            run.updated += n
            if n == 6:
                run.failed_record(None, "Zoom said the meeting's host no longer exists.")

    html = owner_client.get("/integrations/zoom/").content.decode()
    rows = html.split('data-testid="sync-recent-runs"')[1].split("</table>")[0].split('data-testid="sync-run"')[1:]
    assert len(rows) == 5  # the latest five; the retention keeps the others a while
    assert "6 updated, 1 failed: Zoom said the meeting&#x27;s host no longer exists." in rows[0]
    assert "Finished, some items failed" in rows[0] and "2 updated" in rows[4]
