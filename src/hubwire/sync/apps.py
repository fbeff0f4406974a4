from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "hubwire.sync"
    label = "sync"
    verbose_name = "Sync with providers"
