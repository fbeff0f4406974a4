"""Sandbox Zoom's test hooks: what a Zoom user does in Zoom itself, outside hubwire."""

from hubwire.sandbox.hooks import control_action, reset_tables
from hubwire.sandbox.models import ZoomDailyWrites, ZoomMeeting
from hubwire.sandbox.zoom import api, webhooks

reset_tables(ZoomMeeting, ZoomDailyWrites)


@control_action("zoom-delete-meeting")
def zoom_delete(data):
    """The host deletes a meeting in Zoom itself (not through hubwire)."""
    found = ZoomMeeting.objects.get(meeting_id=int(data["meeting_id"]), deleted_at=None)
    api.delete_meeting(found, operator=found.body.get("host_email", ""))
    return {"deleted": found.meeting_id}


@control_action("zoom-validate")
def zoom_validate(data):
    return {"valid": webhooks.validate_endpoint(data.get("client_id") or "sandbox-zoom")}


@control_action("zoom-uninstall")
def zoom_uninstall(data):
    return {"uninstalled": webhooks.uninstall(data["email"])}
