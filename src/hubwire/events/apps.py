from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "hubwire.events"
    label = "events"
    verbose_name = "Events"

    def ready(self):
        # Registers the job handler that runs HandlerRun rows, in every process that may run them.
        from hubwire.events import registry  # noqa: F401
