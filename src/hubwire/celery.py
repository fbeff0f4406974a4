"""The Celery app. Tasks only carry row ids; the rows are the durable truth (see hubwire.jobs)."""

import os

from celery import Celery, signals

from hubwire.core.redaction import redact_handlers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubwire.settings")

app = Celery("hubwire")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def redact_celery_logs(logger, **_):
    # The worker replaces the root logger's handlers (Django's, which redact) with its own.
    redact_handlers(logger)
