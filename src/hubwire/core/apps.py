from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "hubwire.core"
    label = "core"
    verbose_name = "Workspaces and team"

    def ready(self):
        from hubwire.core.redaction import SecretConverter

        # Before any URL module loads: `<secret:token>` marks a segment that is a credential.
        register_converter(SecretConverter, "secret")
