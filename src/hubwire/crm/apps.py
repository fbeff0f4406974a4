from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "hubwire.crm"
    label = "crm"
    verbose_name = "CRM"

    def ready(self):
        # Event types and handlers register themselves on import.
        from hubwire.crm import events, handlers  # noqa: F401
