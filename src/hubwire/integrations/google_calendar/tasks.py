"""Imported in every process at start-up (integrations/apps.py): the modules that register Google
Calendar's passes, schedule handlers, event handlers, and the appointment page's card (with the sync
panel's label and Retry for an appointment's row)."""

from hubwire.integrations.google_calendar import appointment_card, hooks, pull, push, schedule, start  # noqa: F401
