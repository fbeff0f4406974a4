from django.apps import AppConfig


class QuickBooksConfig(AppConfig):
    """Installed (core/app_folders.py) so that its templates live beside its code, in templates/quickbooks/."""

    name = "hubwire.integrations.quickbooks"
    label = "integrations_quickbooks"
    verbose_name = "QuickBooks Online"
