from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hubwire.core"
    label = "core"
    verbose_name = "Workspaces and team"
