from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "hubwire.sandbox"
    label = "sandbox"
    verbose_name = "Provider sandbox"

    def ready(self):
        from hubwire.sandbox import receiver, servers, twilio, zoom  # noqa: F401  (they register their routes)
        from hubwire.sandbox.stripe import api, onboarding, pages  # noqa: F401
