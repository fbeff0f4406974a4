from django.apps import AppConfig


class TwilioSandboxConfig(AppConfig):
    name = "hubwire.sandbox.twilio"
    label = "sandbox_twilio"  # sandbox/router.py keeps sandbox_* tables in the sandbox database
    verbose_name = "Sandbox Twilio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Its routes, test hooks and the card on the sandbox page.
        from hubwire.sandbox.twilio import api, control, messages, numbers, page, services  # noqa: F401
