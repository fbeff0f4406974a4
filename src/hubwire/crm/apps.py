from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "hubwire.crm"
    label = "crm"
    verbose_name = "CRM"

    def ready(self):
        # Event types and handlers register themselves on import.
        from hubwire.crm import events, handlers  # noqa: F401
        from hubwire.events.outbox import EMIT_HOOKS

        # In emit()'s transaction: an event and its line on the timeline commit together.
        EMIT_HOOKS.append(handlers.record_activity)
