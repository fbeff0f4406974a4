"""SMS's own pages, under /integrations/twilio/ (names in the "integrations" namespace).
In branch sms-send only the composer's routes; sms-connect's urls.py keeps this one line."""

from hubwire.integrations.twilio import compose_urls

urlpatterns: list = [*compose_urls.urlpatterns]
