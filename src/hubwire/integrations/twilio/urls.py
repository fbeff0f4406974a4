"""The SMS tab's own pages, under /integrations/twilio/ (names in the "integrations" namespace).
In the sms-inbound branch only the conversations' routes: the connect part adds its own here."""

from hubwire.integrations.twilio import conversation_urls

urlpatterns: list = []
urlpatterns += conversation_urls.urlpatterns
