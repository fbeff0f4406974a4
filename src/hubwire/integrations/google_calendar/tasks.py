"""Imported in every process at start-up (integrations/apps.py): the modules that register Google
Calendar's passes, schedule handlers and event handlers."""

from hubwire.integrations.google_calendar import hooks, pull, push, schedule, start  # noqa: F401
