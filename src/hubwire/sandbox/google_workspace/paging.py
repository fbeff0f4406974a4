"""Paging of the Directory's lists: maxResults within Google's bounds and an opaque pageToken that
holds the last row's sort key, so that each page is one index range from where the last one stopped
(a row added or removed meanwhile shifts nothing)."""

import base64
import json

from django.db.models import Q, QuerySet

from hubwire.sandbox.google_workspace.errors import invalid


def max_results(request, default: int, most: int) -> int:
    raw = request.GET.get("maxResults", "")
    if raw == "":
        return default
    if not raw.lstrip("-").isdigit() or not 1 <= int(raw) <= most:
        raise invalid(f"Invalid value '{raw}'. Values must be within the range: [1, {most}]")
    return int(raw)


def _encode(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode(token: str) -> list:
    try:
        key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or len(key) != 2 or not isinstance(key[1], int):
        raise invalid("Invalid pageToken")
    return key


def page(request, rows: QuerySet, *, field: str, descending: bool, size: int) -> tuple[list, str]:
    """(one page of `rows` ordered by (field, pk), the next page's token or "")."""
    direction = "-" if descending else ""
    token = request.GET.get("pageToken", "")
    if token:
        value, pk = _decode(token)
        after = "lt" if descending else "gt"
        rows = rows.filter(Q(**{f"{field}__{after}": value}) | Q(**{field: value, f"pk__{after}": pk}))
    shown = list(rows.order_by(direction + field, direction + "pk")[:size + 1])
    if len(shown) <= size:
        return shown, ""
    last = shown[size - 1]
    return shown[:size], _encode([getattr(last, field), last.pk])
