"""crm 0005 moves every meeting link onto the sync ledger without losing a field, and back."""

from datetime import datetime, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("crm", "0004_milestones_contract_acceptance"), ("core", "0004_workspace_time_zone")]
AFTER = [("crm", "0005_meetinglink_on_the_sync_ledger")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_meeting_links_move_onto_the_ledger_and_back():
    apps = migrate(BEFORE)
    try:
        Workspace, Appointment = apps.get_model("core", "Workspace"), apps.get_model("crm", "Appointment")
        workspace = Workspace.objects.create(name="Northwind", time_zone="UTC")
        start = datetime(2030, 1, 7, 15, tzinfo=timezone.utc)
        ready, pending = (Appointment.objects.create(workspace=workspace, title=title, start=start, end=start,
                                                     time_zone="UTC", location_type="zoom") for title in ("A", "B"))
        Old = apps.get_model("crm", "MeetingLink")
        Old.objects.create(workspace=workspace, appointment=ready, provider="zoom", status="ready", meeting_id="8123",
                           join_url="https://zoom.us/j/8123", start_url="https://zoom.us/s/8123?zak=secret",
                           passcode="abc", marker="m1", synced={"topic": "A"})
        Old.objects.create(workspace=workspace, appointment=pending, provider="zoom", status="pending",
                           reason="Zoom is not connected.", marker="m2", create_started_at=start)

        apps = migrate(AFTER)
        Link = apps.get_model("crm", "MeetingLink")
        moved = Link.objects.get(appointment_id=ready.pk)
        assert (moved.kind, moved.local_id, moved.external_id, moved.status, moved.matched_by) == \
            ("meeting", ready.pk, "8123", "synced", "created")
        assert (moved.join_url, moved.start_url, moved.passcode, moved.marker, moved.synced) == \
            ("https://zoom.us/j/8123", "https://zoom.us/s/8123?zak=secret", "abc", "m1", {"topic": "A"})
        waiting = Link.objects.get(appointment_id=pending.pk)
        assert (waiting.status, waiting.reason, waiting.external_id, waiting.create_started_at) == \
            ("pending", "Zoom is not connected.", "", start)
        assert apps.get_model("sync", "SyncRecord").objects.filter(kind="meeting").count() == 2

        apps = migrate(BEFORE)
        back = apps.get_model("crm", "MeetingLink").objects.get(appointment_id=ready.pk)
        assert (back.status, back.meeting_id, back.start_url) == ("ready", "8123", "https://zoom.us/s/8123?zak=secret")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
