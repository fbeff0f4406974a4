"""Google Calendar's own pages, under /integrations/google_calendar/ (names in the "integrations" namespace)."""

from django.urls import path

from hubwire.integrations.google_calendar import views

urlpatterns: list = [
    # --- the tab: Sync Now, its section (polled while a read is under way), the business's choices ---
    path("sync-now/", views.sync_now, name="google_calendar_sync_now"),
    path("sync/", views.sync_section, name="google_calendar_sync"),
    path("choices/", views.choices, name="google_calendar_choices"),
    # --- the appointment page's Google Calendar card and its Send / Retry button ---
    path("appointments/<int:appointment_id>/", views.appointment_card, name="google_calendar_appointment"),
    path("appointments/<int:appointment_id>/send/", views.appointment_send, name="google_calendar_appointment_send"),
]
