"""Imported in every process at start-up (integrations/apps.py): the modules that register what SMS
adds elsewhere (the contact page's conversation)."""

from hubwire.integrations.twilio import contact_panel  # noqa: F401
