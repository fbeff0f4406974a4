from django.urls import include, path

from hubwire.integrations import views
from hubwire.integrations.meetings import views as meeting_views
from hubwire.integrations.stripe import views as stripe_views

app_name = "integrations"
urlpatterns = [
    path("integrations/", views.page, name="page"),
    path("integrations/audit/", views.audit_log, name="audit"),
    path("integrations/sync/", include("hubwire.sync.urls")),
    path("integrations/meetings/<int:appointment_id>/", meeting_views.meeting, name="meeting"),
    path("integrations/meetings/<int:appointment_id>/retry/", meeting_views.meeting_retry, name="meeting_retry"),
    path("integrations/stripe/onboard/", stripe_views.onboard, name="stripe_onboard"),
    path("integrations/stripe/onboard/<slug:mode>/link/", stripe_views.onboard_link, name="stripe_refresh"),
    path("integrations/stripe/onboard/<slug:mode>/return/", stripe_views.onboard_return, name="stripe_return"),
    path("integrations/stripe/refresh/", stripe_views.refresh, name="stripe_sync"),
    path("integrations/<slug:key>/", views.page, name="tab"),
    path("integrations/<slug:key>/connect/", views.connect, name="connect"),
    path("integrations/<slug:key>/callback/", views.callback, name="callback"),
    path("integrations/<slug:key>/disconnect/", views.disconnect, name="disconnect"),
    path("integrations/<slug:key>/credentials/", views.credentials, name="credentials"),
    path("integrations/<slug:key>/events/", views.events, name="events"),
]
