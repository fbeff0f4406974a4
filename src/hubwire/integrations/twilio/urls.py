"""The SMS tab's own pages, under /integrations/twilio/ (names in the "integrations" namespace).
Pasting the credentials, Disconnect and the connection's event URL are the framework's; the
conversations' and the composer's routes live beside their views."""

from django.urls import path

from hubwire.integrations.twilio import compose_urls, conversation_urls, views

urlpatterns: list = [
    # --- the tab: what sends, and where its inbound texts go ---
    path("sender/", views.sender, name="twilio_sender"),
    path("inbound-url/", views.inbound_state, name="twilio_inbound_state"),
    path("inbound-url/set/", views.inbound_url_set, name="twilio_inbound_url_set"),
]
urlpatterns += conversation_urls.urlpatterns  # conversations, replies, quiet hours
urlpatterns += compose_urls.urlpatterns  # the composer, its preview and status, the business's templates
