"""The Stripe tab's own actions, served under /integrations/stripe/ (integrations/urls.py)."""

from django.urls import path

from hubwire.integrations.stripe import views

urlpatterns = [
    path("onboard/", views.onboard, name="stripe_onboard"),
    path("onboard/<slug:mode>/link/", views.onboard_link, name="stripe_refresh"),
    path("onboard/<slug:mode>/return/", views.onboard_return, name="stripe_return"),
    path("refresh/", views.refresh, name="stripe_sync"),
]
