from django.apps import AppConfig


class QuickBooksSandboxConfig(AppConfig):
    name = "hubwire.sandbox.quickbooks"
    label = "sandbox_quickbooks"  # routed to the sandbox database (sandbox/router.py)
    verbose_name = "Sandbox QuickBooks Online"

    def ready(self):
        from hubwire.sandbox.quickbooks import api, control, page  # noqa: F401  (routes, hooks, its page card)
