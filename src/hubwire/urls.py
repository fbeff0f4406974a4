from django.contrib import admin
from django.urls import include, path

from hubwire.api import api

handler404 = "hubwire.core.views.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("hubwire.core.urls")),
    path("", include("hubwire.events.urls")),
    path("", include("hubwire.integrations.urls")),
    path("", include("hubwire.webhooks.urls")),
    path("", include("hubwire.payments.urls")),
    path("", include("hubwire.portal.urls")),
    # Provider emulators; every view answers 404 unless HUBWIRE_SANDBOX is on.
    path("sandbox/", include("hubwire.sandbox.urls")),
    path("", include("hubwire.crm.urls")),
]
