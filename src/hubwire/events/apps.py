from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "hubwire.events"
    label = "events"
    verbose_name = "Events"
