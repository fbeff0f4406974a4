"""Query parameters of the team's list pages, read so that no value reaches the database as a
number it cannot hold (SQLite answers an OFFSET past 2**63 with "datatype mismatch", and
Python's sqlite3 an id past it with OverflowError).

The choices: a page number that is missing, not a number or past the end shows the first or the
last page (Django's Paginator.get_page, which the pager then labels "Page n of m"). An id filter
that cannot name a row (not a whole number, or out of range) matches no rows, as an id that
exists nowhere does: the list answers honestly "none match" instead of an error page."""

import re
from functools import cached_property

from django.core.paginator import Page, Paginator

# No row gets an id this large; it fits the 64-bit integers of SQLite and PostgreSQL with room.
MAX_ID = 2**62
PAGE_SIZE = 50


# A list counts its rows up to this many, never a whole table on every view: past it the pager says
# "more than 10,000" and offers the pages up to there (a search or a filter narrows the rest).
COUNT_CAP = 10_000


def counted_past_cap(queryset) -> int:
    """COUNT(*) over at most COUNT_CAP + 1 rows: the exact count up to the cap, COUNT_CAP + 1 past it."""
    return queryset.order_by().values("pk")[: COUNT_CAP + 1].count()


class BoundedPaginator(Paginator):
    @cached_property
    def counted(self) -> int:
        items = self.object_list
        return counted_past_cap(items) if hasattr(items, "query") else len(items)

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_CAP)

    @property
    def count_is_exact(self) -> bool:
        return self.counted <= COUNT_CAP


def bounded_count(queryset) -> int:
    """How many rows, counted up to COUNT_CAP (a figure on a page, never a whole table's count)."""
    return min(counted_past_cap(queryset), COUNT_CAP)


def bounded_figure(queryset) -> str:
    """bounded_count for a person to read: "10,000+" past the cap."""
    counted = counted_past_cap(queryset)
    return f"{COUNT_CAP:,}+" if counted > COUNT_CAP else f"{counted:,}"


def page_of(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The page of `items` that ?page= asks for, or the nearest one that exists."""
    return BoundedPaginator(items, per_page).get_page(request.GET.get("page"))


def thread_page(newest_first, page_number, per_page: int = PAGE_SIZE) -> tuple[Page, list]:
    """A conversation a page at a time: page 1 holds the newest messages, and each page's come oldest
    first, so that the newest is at the bottom, as on a phone. `newest_first` is ordered so."""
    page = BoundedPaginator(newest_first, per_page).get_page(page_number)
    return page, list(reversed(page.object_list))


def id_param(raw: str) -> int | None:
    """The id a query parameter names, or None when no row can have it."""
    if not re.fullmatch(r"[0-9]{1,19}", raw):  # ASCII digits only: int() also reads "²" and "٣"
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None
