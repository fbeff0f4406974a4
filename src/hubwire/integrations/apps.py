from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "hubwire.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        # Importing the providers registers them (registry.PROVIDERS) and their inbound-event jobs.
        from hubwire.integrations import providers  # noqa: F401
        from hubwire.integrations.meetings import sync_hooks  # noqa: F401  (meetings on the sync panel)
        from hubwire.integrations.meetings import handlers  # noqa: F401
