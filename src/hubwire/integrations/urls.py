from django.urls import include, path

from hubwire.integrations import views
from hubwire.integrations.meetings import views as meeting_views
from hubwire.integrations.registry import PROVIDERS


def provider_routes() -> list:
    """Each registered provider's own pages (its folder's urls.py) under /integrations/<key>/, named
    in this namespace (e.g. integrations:stripe_onboard). They come before the generic routes below."""
    return [path(f"integrations/{provider.key}/", include(patterns))
            for provider in PROVIDERS.values() if (patterns := provider.urlpatterns())]


app_name = "integrations"
urlpatterns = [
    path("integrations/", views.page, name="page"),
    path("integrations/audit/", views.audit_log, name="audit"),
    path("integrations/sync/", include("hubwire.sync.urls")),
    path("integrations/meetings/<int:appointment_id>/", meeting_views.meeting, name="meeting"),
    path("integrations/meetings/<int:appointment_id>/retry/", meeting_views.meeting_retry, name="meeting_retry"),
    *provider_routes(),
    path("integrations/<slug:key>/", views.page, name="tab"),
    path("integrations/<slug:key>/connect/", views.connect, name="connect"),
    path("integrations/<slug:key>/callback/", views.callback, name="callback"),
    path("integrations/<slug:key>/disconnect/", views.disconnect, name="disconnect"),
    path("integrations/<slug:key>/credentials/", views.credentials, name="credentials"),
    path("integrations/<slug:key>/events/", views.events, name="events"),
    path("integrations/<slug:key>/events/<secret:token>/", views.connection_events, name="connection_events"),
]
