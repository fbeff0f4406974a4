"""Imported in every process at start-up (integrations/apps.py): the modules that register SMS's
send job and its handler, its event types and the contact page's SMS card."""

from hubwire.integrations.twilio import contact_card, events, send  # noqa: F401
