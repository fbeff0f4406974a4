"""The composer's and the templates' routes (views_compose.py), under /integrations/twilio/ with
names in the "integrations" namespace; urls.py includes them."""

from django.urls import path

from hubwire.integrations.twilio import views_compose

urlpatterns: list = [
    path("compose/", views_compose.compose_page, name="twilio_compose"),
    path("compose/contacts/", views_compose.contacts, name="twilio_compose_contacts"),
    path("compose/fill/", views_compose.fill, name="twilio_compose_fill"),
    path("compose/send/", views_compose.send, name="twilio_compose_send"),
    path("messages/<int:message_id>/status/", views_compose.message_status, name="twilio_message_status"),
    path("templates/", views_compose.templates_page, name="twilio_templates"),
    path("templates/new/", views_compose.template_new, name="twilio_template_new"),
    path("templates/<int:template_id>/", views_compose.template_edit, name="twilio_template_edit"),
    path("templates/<int:template_id>/delete/", views_compose.template_delete, name="twilio_template_delete"),
]
