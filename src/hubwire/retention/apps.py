from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class RetentionConfig(AppConfig):
    name = "hubwire.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self):
        # Every app's retention.py declares its own tables, so this package names none of them, and
        # an app nothing else may import (the provider emulators) is found like any other.
        autodiscover_modules("retention")
