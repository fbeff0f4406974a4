"""QuickBooks' own pages, under /integrations/quickbooks/ (names in the "integrations" namespace)."""

from django.urls import path

from hubwire.integrations.quickbooks import views

urlpatterns: list = [
    # --- the tab: set-up and connection ---
    path("enable/", views.enable, name="quickbooks_enable"),
    path("choices/", views.choices, name="quickbooks_choices"),
    path("disconnected/", views.disconnected, name="quickbooks_disconnected"),
]
