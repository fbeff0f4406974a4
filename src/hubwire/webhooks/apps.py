from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hubwire.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from hubwire.events.outbox import EMIT_HOOKS
        from hubwire.webhooks.fanout import fan_out

        # In emit()'s transaction: a change and its deliveries commit together, or not at all.
        EMIT_HOOKS.append(fan_out)
