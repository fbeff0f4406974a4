from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "hubwire.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        from hubwire.integrations.providers import discover_providers
        from hubwire.integrations.registry import PROVIDERS

        # Providers first: the features below register hooks for the providers they serve.
        discover_providers()  # each folder's provider.py registers its provider
        from hubwire.integrations.meetings import handlers  # noqa: F401
        from hubwire.integrations.meetings import panels  # noqa: F401  (the appointment page's meeting card)
        from hubwire.integrations.meetings import sync_hooks  # noqa: F401  (meetings on the sync panel)

        for provider in PROVIDERS.values():
            provider.folder_module("tasks")  # its Celery tasks and periodic work (jobs/periodic.py), for worker and beat
