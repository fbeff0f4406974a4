"""The API's lists, paged by cursor (keyset): an opaque `cursor` names the last item a client saw by
the list's ordering columns, and the next page starts after it with an index seek, so the last page
of a million events costs what the first does. `offset` keeps working for existing clients, bounded
(MAX_OFFSET), and `count` is bounded too (up to core/query.COUNT_CAP, never the whole table on every call).

    @router.get("", response={200: page_schema(ThingOut), **ERRORS})
    def list_things(request, page: Query[PageQuery]):
        return paginate(scoped(Thing, request.auth.workspace), page)

The ordering is the queryset's (or its model's Meta.ordering), ended by the primary key so that it
is total; each list's ordering has a (workspace, …) index that serves it."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core import signing
from django.db import models
from django.db.models import Q
from ninja import Query, Schema
from ninja.errors import ValidationError

from hubwire.core import query

MAX_OFFSET = 10_000   # deeper than this, a client follows `next` (an offset walks every row it skips)
SALT = "hubwire.api.cursor"


class PageQuery(Schema):
    limit: int = Query(50, ge=1, le=200)
    offset: int = Query(0, ge=0, le=MAX_OFFSET)
    cursor: str | None = Query(None, max_length=1000, description="`next` from the previous page; "
                               "each page then costs the same however deep it is")


def ordering_of(queryset: models.QuerySet) -> list[tuple[str, bool]]:
    """[(field, descending)] of the queryset's ordering, ended by the primary key (in the direction of
    the last column) so that no two rows tie."""
    order = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    columns = []
    for item in order:
        if not isinstance(item, str) or "__" in item or "?" in item:
            raise TypeError(f"{queryset.model.__name__}: a cursor needs plain field names, not {item!r}")
        columns.append((item.lstrip("-"), item.startswith("-")))
    pk = queryset.model._meta.pk.name
    if not columns or columns[-1][0] not in (pk, "pk", "id"):
        columns.append((pk, columns[-1][1] if columns else False))
    return columns


def _plain(value):
    if isinstance(value, datetime | date):
        return {"t": "dt" if isinstance(value, datetime) else "d", "v": value.isoformat()}
    if isinstance(value, UUID | Decimal):
        return {"t": "s", "v": str(value)}
    return value


def _typed(value):
    if isinstance(value, dict):
        kind, raw = value["t"], value["v"]
        return datetime.fromisoformat(raw) if kind == "dt" else date.fromisoformat(raw) if kind == "d" else raw
    return value


def cursor_for(item, columns: list[tuple[str, bool]]) -> str:
    payload = [[name for name, _ in columns], [_plain(getattr(item, name)) for name, _ in columns]]
    signed = signing.dumps(payload, salt=SALT, compress=True)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _bad_cursor(why: str) -> ValidationError:
    return ValidationError([{"loc": ["query", "cursor"], "msg": why, "type": "value_error"}])


def _values_of(cursor: str, columns: list[tuple[str, bool]]) -> list:
    try:
        signed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        names, values = signing.loads(signed, salt=SALT)
    except (ValueError, signing.BadSignature, UnicodeDecodeError, TypeError, json.JSONDecodeError):
        raise _bad_cursor("Not a cursor this API gave: send the `next` of the previous page, unchanged.") from None
    if names != [name for name, _ in columns] or len(values) != len(columns):
        raise _bad_cursor("This cursor belongs to another list: send the `next` of this list's previous page.")
    try:
        return [_typed(value) for value in values]
    except (KeyError, ValueError, TypeError):
        raise _bad_cursor("Not a cursor this API gave: send the `next` of the previous page, unchanged.") from None


def after(columns: list[tuple[str, bool]], values: list) -> Q:
    """Rows after `values` in this ordering: (a, b, id) > (va, vb, vid), column by column."""
    condition = Q(pk__in=[])
    for i, (name, descending) in enumerate(columns):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for earlier, value in zip(columns[:i], values[:i], strict=False):
            step &= Q(**{earlier[0]: value})
        condition |= step
    return condition


def paginate(queryset: models.QuerySet, page: PageQuery) -> dict:
    if page.cursor and page.offset:
        raise _bad_cursor("Send either `cursor` or `offset`, not both.")
    columns = ordering_of(queryset)
    ordered = queryset.order_by(*[f"-{name}" if desc else name for name, desc in columns])
    if page.cursor:
        ordered = ordered.filter(after(columns, _values_of(page.cursor, columns)))
        rows = list(ordered[: page.limit + 1])
    else:
        rows = list(ordered[page.offset: page.offset + page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    counted = query.counted_past_cap(queryset)  # past query.COUNT_CAP, `count_is_exact` is false
    return {"count": min(counted, query.COUNT_CAP), "count_is_exact": counted <= query.COUNT_CAP, "items": rows,
            "next": cursor_for(rows[-1], columns) if more and rows else None}
