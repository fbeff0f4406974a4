"""The conversations' routes, under /integrations/twilio/ (names in the "integrations" namespace);
urls.py adds them to the SMS tab's own."""

from django.urls import path

from hubwire.integrations.twilio import conversation_views

urlpatterns: list = [
    path("conversations/", conversation_views.conversations, name="twilio_conversations"),
    path("conversations/<int:conversation_id>/", conversation_views.conversation, name="twilio_conversation"),
    path("conversations/<int:conversation_id>/reply/", conversation_views.conversation_reply,
         name="twilio_conversation_reply"),
    path("quiet-hours/", conversation_views.quiet_hours, name="twilio_quiet_hours"),
]
