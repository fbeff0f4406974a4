from django.apps import AppConfig


class GoogleCalendarConfig(AppConfig):
    """Registered so that templates/google_calendar/ is found (the label keeps it apart from the sandbox's app)."""

    name = "hubwire.integrations.google_calendar"
    label = "integrations_google_calendar"
    verbose_name = "Google Calendar"
