from django.urls import path

from hubwire.sandbox import control, routes

app_name = "sandbox"
urlpatterns = [
    path("", control.index, name="index"),
    path("_control/<slug:action>/", control.control, name="control"),
    path("<str:host>/<path:path>", routes.dispatch, name="dispatch"),
]
