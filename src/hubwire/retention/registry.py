"""What each app keeps and for how long: `retain()` for a table an app owns, `keep_while()` for a
need another app has of it (the webhooks app keeps events whose deliveries are still being sent,
without the events app knowing about webhooks)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class Retained:
    model: type[models.Model]
    age_field: str
    setting: str
    default_days: int | None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def keep_days(self) -> int:
        """Read when used, so a changed setting (override_settings, a restart) takes effect at once."""
        days = getattr(settings, self.setting, self.default_days)
        if days is None:
            raise ImproperlyConfigured(f"{self.setting} is not set: say how many days {self.label} rows are kept (0 keeps them forever)")
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ImproperlyConfigured(f"{self.setting} must be a whole number of days, 0 or more (0 keeps forever); it is {days!r}")
        return days

    def still_needed(self) -> list[models.Q]:
        return STILL_NEEDED.get(self.model, [])


RETAINED: dict[type[models.Model], Retained] = {}
STILL_NEEDED: dict[type[models.Model], list[models.Q]] = {}


def retain(model, *, age_field: str, setting: str, default_days: int | None = None,
           still_needed: models.Q | models.Expression | None = None) -> Retained:
    """Rows of `model` whose `age_field` is older than `setting` days (or `default_days` when the
    setting does not exist) are pruned, unless they match `still_needed` or a keep_while()."""
    if model in RETAINED:
        raise ImproperlyConfigured(f"{model._meta.label} is already retained by {RETAINED[model].setting}")
    _require_index(model, age_field)
    RETAINED[model] = declaration = Retained(model, age_field, setting, default_days)
    if still_needed is not None:
        keep_while(model, still_needed)
    return declaration


def keep_while(model, condition: models.Q | models.Expression) -> None:
    """Rows of `model` matching `condition` are never pruned, however old."""
    STILL_NEEDED.setdefault(model, []).append(condition if isinstance(condition, models.Q) else models.Q(condition))


def _require_index(model, age_field: str) -> None:
    # Each batch reads the oldest rows through this index, so its cost does not grow with the table.
    field = model._meta.get_field(age_field)
    leading = {index.fields[0].lstrip("-") for index in model._meta.indexes if index.fields}
    if not (field.db_index or field.unique or age_field in leading):
        raise ImproperlyConfigured(f"{model._meta.label}.{age_field} needs an index (db_index=True or Meta.indexes) "
                                   "before it can be retained: each prune batch reads the oldest rows through it")
