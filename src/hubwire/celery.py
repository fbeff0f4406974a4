"""The Celery app. Tasks only carry row ids; the rows are the durable truth (see hubwire.jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubwire.settings")

app = Celery("hubwire")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
