"""Numeric settings a provider's folder reads itself (its limits, its windows), without settings.py
naming them: Django's settings first, so that a test or a benchmark overrides them, then the
environment, then the folder's default. Read when used, so a changed value takes effect at once."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def number_setting(name: str, default: int | float, *, zero_allowed: bool = False) -> int | float:
    """The setting `name` as the default's type (int or float); a value that is not a number, or not
    above 0 (at least 0 with `zero_allowed`), is the operator's mistake, named."""
    raw = getattr(settings, name, os.environ.get(name, default))
    try:
        value = type(default)(raw)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be a{'' if isinstance(default, float) else ' whole'} number; "
                                   f"it is {raw!r}") from None
    if value < 0 or (value == 0 and not zero_allowed):
        raise ImproperlyConfigured(f"{name} must be more than 0; it is {raw!r}")
    return value
