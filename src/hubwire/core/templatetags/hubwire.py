from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from hubwire.core.money import CURRENCIES, format_money
from hubwire.core.timezones import time_zone_names

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


@register.simple_tag
def time_zone_list():
    """The <datalist> that TimeZoneField inputs search (list="time-zones")."""
    return format_html('<datalist id="time-zones">{}</datalist>',
                       format_html_join("", '<option value="{}">', ((name,) for name in time_zone_names())))


@register.simple_tag
def currency_list():
    """The <datalist> that currency inputs search (list="currency-codes")."""
    return format_html('<datalist id="currency-codes">{}</datalist>',
                       format_html_join("", '<option value="{}">', ((code,) for code in sorted(CURRENCIES))))


@register.filter
def ago(moment: datetime | None) -> str:
    """"just now" for the last minute (timesince would say "0 minutes ago"), else "3 hours ago"."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def cell(obj, path: str):
    """A list cell: an attribute, a get_X_display, or a money amount in the object's currency.
    Datetimes are formatted here (templates would re-localize them to UTC): an appointment's in its
    own time zone, anything else in UTC."""
    value = _display(obj, path)
    if isinstance(value, datetime):
        zone = getattr(obj, "time_zone", None)
        if zone:
            return f"{value.astimezone(ZoneInfo(zone)):%a %d %b %Y, %H:%M} ({zone})"
        return f"{value.astimezone(dt_timezone.utc):%Y-%m-%d %H:%M} UTC"
    return "" if value is None else value


@register.filter
def detail_fields(obj) -> list[tuple[str, object]]:
    """(label, display value) for the model fields worth showing on a detail page."""
    rows = []
    for field in obj._meta.fields:
        if field.name in HIDDEN_FIELDS:
            continue
        label = field.verbose_name.capitalize()
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif field.name == "tax_rate_bp":
            label, value = "Tax rate", f"{field.value_from_object(obj) / 100:g}%"
        else:
            value = cell(obj, field.name)
        rows.append((label, value))
    return rows


@register.filter
def status_class(value: str) -> str:
    return {"paid": "green", "accepted": "green", "won": "green", "active": "green", "done": "green",
            "pending": "orange", "sent": "orange", "qualified": "orange", "running": "orange",
            "void": "grey", "declined": "grey", "lost": "grey", "cancelled": "grey", "dead": "red",
            "succeeded": "green", "created": "green", "updated": "green", "sending": "orange",
            "duplicate": "grey", "failed": "red", "rejected": "red"}.get(str(value), "")


@register.filter
def as_json(value) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, '' when missing (dicts and QueryDicts alike)."""
    try:
        return mapping.get(key, "") if mapping else ""
    except AttributeError:
        return ""
