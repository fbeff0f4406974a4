"""The map from job label to job model, and from job label to the function that does its work.

A job model (a DurableJob subclass) says what is stored and how it is retried; its behaviour is
registered by name in the feature's own module, as events are (events/registry.py):

    @job_handler(HandlerRun)            # or @job_handler("events.handlerrun")
    def run_handler(run: HandlerRun) -> None: ...

so that the models of a framework never import the features that use them. The tick and the
runner are driven by these two maps.
"""

from collections.abc import Callable

from django.db import models

JOB_MODELS: dict[str, type[models.Model]] = {}
JobHandler = Callable[[models.Model], None]
JOB_HANDLERS: dict[str, JobHandler] = {}


class UnknownJob(LookupError):
    """A job label no model is registered under, or a job model no handler does the work of: a
    programming error (a module not imported, a label misspelt), said plainly."""


def register(model):
    """Class decorator for a concrete DurableJob model."""
    JOB_MODELS[model._meta.label_lower] = model
    return model


def job_label(job: type[models.Model] | str) -> str:
    """"app_label.modelname" for a job model, or for a label given as text (in any case)."""
    return job.lower() if isinstance(job, str) else job._meta.label_lower


def job_handler(job: type[models.Model] | str):
    """Decorator: this function does the work of every row of this job model (the model or its
    "app_label.modelname" label). It is called with the claimed row; it raises to be retried."""
    label = job_label(job)

    def decorator(func: JobHandler) -> JobHandler:
        if label in JOB_HANDLERS and JOB_HANDLERS[label] is not func:
            raise ValueError(f"job {label!r} already has a handler ({JOB_HANDLERS[label].__qualname__})")
        JOB_HANDLERS[label] = func
        return func

    return decorator


def job_model(label: str) -> type[models.Model]:
    try:
        return JOB_MODELS[label]
    except KeyError:
        raise UnknownJob(f"no job model is registered as {label!r} (known: {', '.join(sorted(JOB_MODELS))})") from None


def handler_for(label: str) -> JobHandler:
    """The registered handler of a job model."""
    if label in JOB_HANDLERS:
        return JOB_HANDLERS[label]
    job_model(label)  # an unknown label says so first
    raise UnknownJob(f"no handler is registered for job {label!r}: decorate the function that does its work "
                     f"with @job_handler({label!r}) in a module its app imports when it is ready")


def unhandled_jobs() -> list[str]:
    """Labels of job models nothing would run (for the startup check)."""
    missing = []
    for label in sorted(JOB_MODELS):
        try:
            handler_for(label)
        except UnknownJob:
            missing.append(label)
    return missing
