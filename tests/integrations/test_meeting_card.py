"""The appointment page's meeting card follows the appointment before the worker has caught up: a
cancelled or moved appointment's meeting shows as being deleted, without its join link, and the card
keeps refreshing itself until the deletion is done; a deletion that failed says why, with Retry."""

import pytest

from hubwire.crm.models import MeetingLink, MeetingLinkStatus
from hubwire.crm.services.scheduling import appointment_cancel, appointment_update
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow
from tests.integrations.meetings import book, link_of, run_jobs

pytestmark = SANDBOX_DB


@pytest.fixture
def ready(sandbox, owner_client, workspace):
    """An appointment whose Zoom meeting is made."""
    oauth_flow.connect(owner_client, workspace)
    appointment = book(workspace)
    run_jobs()
    assert link_of(appointment).status == MeetingLinkStatus.READY
    return appointment


def card(client, appointment) -> str:
    page = client.get(f"/appointments/{appointment.pk}/").content.decode()
    return page[page.index('id="meeting-card"'):] if 'id="meeting-card"' in page else ""


@pytest.mark.parametrize("change", ["cancel", "move off Zoom"])
def test_a_meeting_the_appointment_no_longer_wants_shows_as_being_deleted_until_it_is(ready, owner_client, change):
    if change == "cancel":
        appointment_cancel(appointment=ready, actor="owner@example.test")
    else:
        appointment_update(appointment=ready, actor="owner@example.test", location_type="phone")
    # The worker has not run yet: the link row still says Ready, with its join link.
    assert link_of(ready).status == MeetingLinkStatus.READY and link_of(ready).join_url

    shown = card(owner_client, ready)
    assert 'data-status="deleting"' in shown and "Deleting the Zoom meeting…" in shown
    assert 'data-testid="join-url"' not in shown and 'data-testid="start-url"' not in shown
    assert f'hx-get="/integrations/meetings/{ready.pk}/"' in shown  # it refreshes itself

    run_jobs()
    assert card(owner_client, ready) == ""


def test_a_deletion_that_failed_says_why_and_offers_retry(ready, owner_client):
    appointment_cancel(appointment=ready, actor="owner@example.test")
    MeetingLink.objects.filter(appointment=ready).update(status=MeetingLinkStatus.FAILED,
                                                         reason="Zoom is not connected, so meeting 1 could not be deleted.")
    shown = card(owner_client, ready)
    assert 'data-status="failed"' in shown and "could not be deleted" in shown
    assert 'data-testid="meeting-retry"' in shown and 'data-testid="join-url"' not in shown
