from django.urls import path

from hubwire.events import views

urlpatterns = [
    path("events/", views.event_list, name="events"),
    path("events/<uuid:pk>/", views.event_detail, name="event_detail"),
]
