"""Found by Provider.urlpatterns() beside provider.py, served under /integrations/example/."""

from django.urls import path

from tests.integrations.example_provider import views

urlpatterns = [
    path("status/", views.status, name="example_status"),
]
