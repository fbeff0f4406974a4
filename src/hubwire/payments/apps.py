from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "hubwire.payments"
    label = "payments"
    verbose_name = "Online payments"

    def ready(self):
        from hubwire.payments import panels  # noqa: F401  (registers the invoice page's Pay online card)
