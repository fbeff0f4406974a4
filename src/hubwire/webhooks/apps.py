from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hubwire.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from hubwire.events.outbox import EMIT_HOOKS
        from hubwire.webhooks.tasks import on_emit

        # The event commits with the change (the outbox); its deliveries are written from it by the
        # dispatcher (fanout.py), which this wakes after the commit.
        EMIT_HOOKS.append(on_emit)
