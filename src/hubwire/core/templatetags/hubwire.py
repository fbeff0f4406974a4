from django import template
from django.db import models
from django.utils import timezone

from hubwire.core.money import format_money

register = template.Library()

MONEY_FIELDS = {"subtotal", "tax_amount", "total", "value_amount", "amount", "unit_amount", "amount_paid", "balance_due"}
HIDDEN_FIELDS = {"id", "workspace", "created_at", "updated_at", "currency"}


@register.filter
def money(minor, currency="USD"):
    if minor in (None, ""):
        return ""
    return format_money(int(minor), currency or "USD")


def _display(obj, name: str):
    value = getattr(obj, name, None)
    if name in MONEY_FIELDS and hasattr(obj, "currency"):
        return money(value, obj.currency)
    return value() if callable(value) else value


@register.filter
def cell(obj, path: str):
    """A list cell: an attribute, a get_X_display, or a money amount in the object's currency."""
    value = _display(obj, path)
    if hasattr(value, "astimezone") and getattr(obj, "time_zone", None):
        from zoneinfo import ZoneInfo

        value = timezone.localtime(value, ZoneInfo(obj.time_zone))
    return "" if value is None else value


@register.filter
def detail_fields(obj) -> list[tuple[str, object]]:
    """(label, display value) for the model fields worth showing on a detail page."""
    rows = []
    for field in obj._meta.fields:
        if field.name in HIDDEN_FIELDS:
            continue
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        else:
            value = cell(obj, field.name)
        if isinstance(field, models.DateTimeField) and value and getattr(obj, "time_zone", None):
            value = f"{value:%a %d %b %Y, %H:%M} ({obj.time_zone})"
        rows.append((field.verbose_name.capitalize(), value))
    return rows


@register.filter
def status_class(value: str) -> str:
    return {"paid": "green", "accepted": "green", "won": "green", "active": "green", "done": "green",
            "pending": "orange", "sent": "orange", "qualified": "orange", "running": "orange",
            "void": "grey", "declined": "grey", "lost": "grey", "cancelled": "grey", "dead": "red"}.get(str(value), "")


@register.filter
def as_json(value) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)
