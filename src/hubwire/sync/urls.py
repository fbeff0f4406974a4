"""Included under /integrations/sync/ in the integrations namespace (integrations/urls.py)."""

from django.urls import path

from hubwire.sync import views

urlpatterns = [
    path("<int:record_id>/retry/", views.retry, name="sync_retry"),
]
