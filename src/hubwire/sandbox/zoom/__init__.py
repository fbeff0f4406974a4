"""Zoom, as the sandbox plays it (providers.md §4): the meetings API at api.zoom.us (api.py), the
signed webhooks it sends (webhooks.py) and its test hooks (control.py). Its OAuth server is in
sandbox/servers.py, its tables (ZoomMeeting, ZoomDailyWrites) in sandbox/models.py."""

from hubwire.sandbox.zoom import api, control, webhooks  # noqa: F401  (they register routes and hooks)
