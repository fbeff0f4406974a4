"""Workspace-scoped reads. Another workspace's object is a 404, never a 403 that confirms it exists."""

from django.db import models
from django.http import Http404

from hubwire.core.errors import FieldError


def scoped(model: type[models.Model], workspace) -> models.QuerySet:
    return model.objects.filter(workspace=workspace)


def get_scoped(model: type[models.Model], workspace, pk) -> models.Model:
    try:
        return scoped(model, workspace).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from None


def resolve_reference(model: type[models.Model], workspace, pk, *, field: str, required: bool = False):
    """A foreign key given by id in user input: it must exist in this workspace, else a field error."""
    if pk in (None, ""):
        if required:
            raise FieldError({field: "This field is required."})
        return None
    if isinstance(pk, model):
        pk = pk.pk
    try:
        return scoped(model, workspace).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise FieldError({field: f"No {model._meta.verbose_name} with id {pk} in this workspace."}) from None
