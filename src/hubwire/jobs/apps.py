from django.apps import AppConfig
from django.core import checks


class JobsConfig(AppConfig):
    name = "hubwire.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        from hubwire.jobs.checks import check_job_handlers

        checks.register(check_job_handlers)
