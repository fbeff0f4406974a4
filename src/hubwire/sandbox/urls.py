from django.urls import include, path

from hubwire.sandbox import control, routes

app_name = "sandbox"
urlpatterns = [
    path("", control.index, name="index"),
    path("_control/<slug:action>/", control.control, name="control"),
    path("_google_calendar/", include("hubwire.sandbox.google_calendar.page")),
    path("_twilio/", include("hubwire.sandbox.twilio.page")),
    path("<str:host>/<path:path>", routes.dispatch, name="dispatch"),
]
