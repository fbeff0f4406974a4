from django.apps import AppConfig


class GoogleWorkspaceSandboxConfig(AppConfig):
    name = "hubwire.sandbox.google_workspace"
    label = "sandbox_google_workspace"  # sandbox/router.py keeps sandbox_* tables in the sandbox database
    verbose_name = "Sandbox Google Workspace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Its routes, test hooks, personas, userinfo claims and the card on the sandbox page.
        from hubwire.sandbox.google_workspace import (  # noqa: F401
            control, deleted, domains, groups, members, page, personas, users)
