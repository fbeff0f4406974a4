from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "hubwire.sync"
    label = "sync"
    verbose_name = "Sync with providers"

    def ready(self):
        # Registers the tick hook that turns due schedules into job rows, in every process that ticks.
        from hubwire.sync import passes, schedules  # noqa: F401
