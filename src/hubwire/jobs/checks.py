"""A startup check (`manage.py check`, `hubwire run`): every job model has something to run it, and
every job handler names a job model, so a missing import or a misspelt label is found before a
worker meets the first row."""

from django.core.checks import Error

from hubwire.jobs.registry import JOB_HANDLERS, JOB_MODELS, unhandled_jobs


def check_job_handlers(app_configs=None, **kwargs) -> list[Error]:
    errors = [Error(f"job model {label} has no handler", id="jobs.E001",
                    hint=f"decorate the function that does its work with @job_handler({label!r})")
              for label in unhandled_jobs()]
    errors += [Error(f"a job handler is registered for {label!r}, which is no job model", id="jobs.E002",
                     hint=f"known job models: {', '.join(sorted(JOB_MODELS))}")
               for label in sorted(JOB_HANDLERS) if label not in JOB_MODELS]
    return errors
