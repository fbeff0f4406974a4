from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hubwire.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
