from django.urls import include, path

from hubwire.sandbox import control, routes
from hubwire.sandbox.hooks import PAGE_CARDS

app_name = "sandbox"
urlpatterns = [
    path("", control.index, name="index"),
    path("_control/<slug:action>/", control.control, name="control"),
    # Each emulator's card forms (hooks.page_card), before the catch-all of the providers' hosts.
    *(path(f"_{card.name}/", include(card.urlpatterns)) for card in PAGE_CARDS if card.urlpatterns),
    path("<str:host>/<path:path>", routes.dispatch, name="dispatch"),
]
