"""Imported in every process at start-up (integrations/apps.py): the modules that register SMS's
send job and its handler, its event types, and what it adds to the contact page (the composer card
and the conversation) and the dashboard (its unread texts)."""

from hubwire.integrations.twilio import contact_card, contact_panel, dashboard_card, events, send  # noqa: F401
