from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "hubwire.payments"
    label = "payments"
    verbose_name = "Online payments"
