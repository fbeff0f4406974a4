"""hubwire: a self-hosted CRM integrations hub."""

# Load the Celery app with Django so that `task.delay()` anywhere uses hubwire's broker settings.
from hubwire.celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
