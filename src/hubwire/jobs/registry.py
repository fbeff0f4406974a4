"""The map from job label to job model; the tick and the runner are driven by it."""

from django.db import models

JOB_MODELS: dict[str, type[models.Model]] = {}


def register(model):
    """Class decorator for a concrete DurableJob model."""
    JOB_MODELS[model._meta.label_lower] = model
    return model
