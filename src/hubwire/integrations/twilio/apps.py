from django.apps import AppConfig


class TwilioConfig(AppConfig):
    """Installed (core/app_folders.py) so that its templates, template tags and static files (the SMS
    counter and its table) are found beside its code; the label keeps it apart from the sandbox's app."""

    name = "hubwire.integrations.twilio"
    label = "integrations_twilio"
    verbose_name = "SMS / Twilio"
