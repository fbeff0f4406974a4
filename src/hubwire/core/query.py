"""Query parameters of the team's list pages, read so that no value reaches the database as a
number it cannot hold (SQLite answers an OFFSET past 2**63 with "datatype mismatch", and
Python's sqlite3 an id past it with OverflowError).

The choices: a page number that is missing, not a number or past the end shows the first or the
last page (Django's Paginator.get_page, which the pager then labels "Page n of m"). An id filter
that cannot name a row (not a whole number, or out of range) matches no rows, as an id that
exists nowhere does: the list answers honestly "none match" instead of an error page."""

import re

from django.core.paginator import Page, Paginator

# No row gets an id this large; it fits the 64-bit integers of SQLite and PostgreSQL with room.
MAX_ID = 2**62
PAGE_SIZE = 50


def page_of(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The page of `items` that ?page= asks for, or the nearest one that exists."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def id_param(raw: str) -> int | None:
    """The id a query parameter names, or None when no row can have it."""
    if not re.fullmatch(r"[0-9]{1,19}", raw):  # ASCII digits only: int() also reads "²" and "٣"
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None
