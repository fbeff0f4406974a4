"""Periodic work, declared where it lives rather than in the settings:

    periodic("integrations-keep-alive", task="hubwire.integrations.keep_alive", every=3600)

next to the task, in an app's (or a provider folder's) tasks.py. Beat's schedule is the
framework's ticks in settings.CELERY_BEAT_SCHEDULE plus every declaration, built when beat starts
(DeclaredScheduler, the CELERY_BEAT_SCHEDULER). Per-connection sync schedules (days of the month,
every N minutes) are rows run by the jobs tick, not this."""

from dataclasses import dataclass

from celery.beat import PersistentScheduler
from django.conf import settings
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Periodic:
    name: str    # the beat entry's name
    task: str    # the Celery task's registered name
    every: float  # seconds


PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, *, task: str, every: float) -> Periodic:
    """Declare that beat sends `task` every `every` seconds (declaring the same again changes nothing)."""
    if every <= 0:
        raise ValueError(f"{name}: every must be a positive number of seconds, not {every!r}.")
    declared = Periodic(name, task, float(every))
    if name in settings.CELERY_BEAT_SCHEDULE or PERIODIC.get(name, declared) != declared:
        raise ValueError(f"Periodic work called {name!r} is already declared.")
    PERIODIC[name] = declared
    return declared


def remove_periodic(name: str) -> None:
    PERIODIC.pop(name, None)


def beat_schedule() -> dict:
    """The framework's ticks plus every declaration, in the shape of Celery's beat_schedule."""
    # Declarations sit beside their tasks: every installed app's tasks module (provider folders'
    # are imported by the integrations app) is imported first, as the worker imports them too.
    autodiscover_modules("tasks")
    return {**settings.CELERY_BEAT_SCHEDULE,
            **{p.name: {"task": p.task, "schedule": p.every} for p in PERIODIC.values()}}


class DeclaredScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, reading the declarations when beat starts (by then Django is
    set up, so every app's tasks can be imported)."""

    def setup_schedule(self):
        self.app.conf.beat_schedule = beat_schedule()
        super().setup_schedule()
