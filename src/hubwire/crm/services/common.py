"""Validation and the save-and-emit step shared by the CRM services."""

from django.db import transaction
from django.utils import timezone

from hubwire.core.errors import FieldError, Unreadable
from hubwire.core.formats import email_problem, phone_in_e164, phone_problem, web_url_problem
from hubwire.core.money import MAX_MINOR_UNITS, currency_problem
from hubwire.core.tenancy import resolve_reference
from hubwire.crm.schemas import shaped
from hubwire.events.outbox import emit


class Conflict(Exception):
    """The action does not fit the object's state (e.g. voiding a paid invoice)."""


def phone_e164(value: str | None, field: str = "phone") -> str:
    if not value:
        return ""
    if (number := phone_in_e164(value)) is None:
        raise FieldError({field: phone_problem(value)})
    return number


def email_address(value: str | None, field: str = "email") -> str:
    if not value:
        return ""
    if problem := email_problem(value):
        raise FieldError({field: problem})
    return value.strip().lower()


def url(value: str | None, field: str) -> str:
    if not value:
        return ""
    if problem := web_url_problem(value):
        raise FieldError({field: problem})
    return value


def currency(value: str | None, field: str = "currency") -> str:
    if problem := currency_problem(value):
        raise FieldError({field: problem})
    return value.strip().upper()


def amount(value, field: str) -> int:
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise FieldError({field: "Enter a whole number of minor units (cents)."})
    if value < 0:
        raise FieldError({field: "The amount cannot be negative."})
    if value > MAX_MINOR_UNITS:
        raise FieldError({field: "The amount is too large."})
    return value


def required_text(value, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldError({field: "This field is required."})
    return value


class Cleaner:
    """Collects field errors across a whole payload so the user sees all of them at once."""

    def __init__(self, data: dict, instance=None):
        self.data = data
        self.instance = instance
        self.values: dict = {}
        # A page form's unreadable field is an error already; the other fields are still checked.
        self.errors: dict[str, str] = {field: value.message for field, value in data.items() if isinstance(value, Unreadable)}

    def given(self, field: str) -> bool:
        return field in self.data

    def current(self, field: str):
        """The value after this change: the cleaned new one if given, else the instance's.
        A field that failed its check has no value (None), so later checks never see raw input."""
        if field in self.values:
            return self.values[field]
        if any(key == field or key.startswith(f"{field}.") for key in self.errors):
            return None
        if field in self.data:
            return self.data[field]
        return getattr(self.instance, field, None) if self.instance is not None else None

    def field(self, field: str, check=None, *, default=None, always: bool = False):
        """Clean `field` if it was given (or always, e.g. a required field on create)."""
        if not (self.given(field) or always) or field in self.errors:
            return
        raw = self.data.get(field, default)
        try:
            self.values[field] = check(raw, field) if check else (raw if raw is not None else default)
        except FieldError as exc:
            self.errors.update(exc.errors)

    def reference(self, field: str, model, workspace, *, required: bool = False):
        """A foreign key (`account` accepts an Account or its id) that must be in this workspace."""
        if not (self.given(field) or (required and self.instance is None)) or field in self.errors:
            return
        try:
            self.values[field] = resolve_reference(model, workspace, self.data.get(field), field=field, required=required)
        except FieldError as exc:
            self.errors.update(exc.errors)

    def dates_in_order(self, start: str, end: str) -> None:
        first, last = self.current(start), self.current(end)
        self.check(not (first and last and last < first), end, "This date is before the start date.")

    def check(self, condition: bool, field: str, message: str) -> None:
        if not condition and field not in self.errors:
            self.errors[field] = message

    def result(self) -> dict:
        if self.errors:
            raise FieldError(self.errors)
        return self.values


def text(value, field: str) -> str:
    return (value or "").strip()


def fits_columns(obj, values: dict) -> None:
    """Refuse (FieldError) text longer than its column. The API's schemas and the pages' forms say so
    first, but other callers (inbound hooks) reach the services directly, and PostgreSQL refuses an
    over-long value with an error (SQLite stores it): checked here, every write path is covered."""
    errors = {}
    for name, value in values.items():
        max_length = getattr(obj._meta.get_field(name), "max_length", None) if isinstance(value, str) else None
        if max_length and len(value) > max_length:
            errors[name] = f"At most {max_length} characters (this has {len(value)})."
    if errors:
        raise FieldError(errors)


def save_and_emit(obj, values: dict, *, event: str, actor: str, after_save=None, event_extra: dict | None = None):
    """Apply cleaned values, save, run `after_save` (e.g. replace lines), and emit — one transaction."""
    fits_columns(obj, values)
    with transaction.atomic():
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
        if after_save:
            after_save(obj)
        emit_for(obj, event, actor=actor, **(event_extra or {}))
    return obj


def emit_for(obj, event: str, *, actor: str, schema=None, **extra):
    return emit(workspace=obj.workspace, type=event, data=shaped(obj, schema, **extra), actor=actor)


def choice(enum):
    """A check that the value is one of a TextChoices' values."""

    def check(value, field: str) -> str:
        if value not in enum.values:
            raise FieldError({field: f"Choose one of: {', '.join(enum.values)}."})
        return value

    return check


def transition(obj, *, allowed_from: tuple, to: str, event: str, actor: str, stamp: str | None = None, verb: str):
    """Move an object between statuses and record the event, or refuse with a Conflict."""
    with transaction.atomic():
        current = type(obj).objects.select_for_update().get(pk=obj.pk)
        if current.status not in allowed_from:
            raise Conflict(f"Cannot {verb} a {current.get_status_display().lower()} {obj._meta.verbose_name}.")
        values = {"status": to}
        if stamp:
            values[stamp] = timezone.now()
        return save_and_emit(obj, values, event=event, actor=actor)
