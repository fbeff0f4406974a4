from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "hubwire.portal"
    label = "portal"
    verbose_name = "Client Portal"
