"""Imported in every process at start-up (integrations/apps.py): the modules that register Google
Workspace's sync pass and schedule handler."""

from hubwire.integrations.google_workspace import schedule, users  # noqa: F401
