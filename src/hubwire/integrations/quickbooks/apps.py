from django.apps import AppConfig


class QuickBooksConfig(AppConfig):
    """An app only so that Django finds the templates in this folder (core/app_folders.py)."""

    name = "hubwire.integrations.quickbooks"
    label = "integrations_quickbooks"
    verbose_name = "QuickBooks Online"
