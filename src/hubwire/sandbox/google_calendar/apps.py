from django.apps import AppConfig


class GoogleCalendarSandboxConfig(AppConfig):
    name = "hubwire.sandbox.google_calendar"
    label = "sandbox_google_calendar"  # sandbox/router.py keeps sandbox_* tables in the sandbox database
    verbose_name = "Sandbox Google Calendar"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Its routes, test hooks, error envelope and the card on the sandbox page.
        from hubwire.sandbox.google_calendar import api, control, errors, page  # noqa: F401
