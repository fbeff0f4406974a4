"""Twilio's two list shapes. The 2010-04-01 API (api.twilio.com) puts its paging beside the items:
{"<key>": [...], "page", "page_size", "first_page_uri", "next_page_uri", "previous_page_uri",
"start", "end", "uri"}, URIs relative to the host (providers.md §6.1). The v1 APIs
(messaging.twilio.com) put it in "meta", with absolute URLs and the items' key named. Both take
PageSize (default 50, at most 1000) and Page, counted from 0."""

from urllib.parse import urlencode

from hubwire.sandbox.twilio.wire import TwilioError

DEFAULT_PAGE_SIZE, MOST_PAGE_SIZE = 50, 1000  # the spec's PageSize: "The default is 50, and the maximum is 1000."


def whole_number(request, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise TwilioError(20001, f"{name} must be a whole number {bounds}", field=name)  # [U] the code
    return int(raw)


def size_and_page(request) -> tuple[int, int]:
    return (whole_number(request, "PageSize", DEFAULT_PAGE_SIZE, 1, MOST_PAGE_SIZE),
            whole_number(request, "Page", 0, 0))


def link(path: str, filters: list[tuple[str, str]], size: int, page: int, token: str = "") -> str:
    query = [*filters, ("PageSize", size), ("Page", page)] + ([("PageToken", token)] if token else [])
    return f"{path}?{urlencode(query)}"


def v2010_page(request, rows, key: str, path: str, filters: list[tuple[str, str]], shape) -> dict:
    """One page of `rows` (an ordered queryset) by Page and PageSize, in the 2010-04-01 shape."""
    size, page = size_and_page(request)
    shown = list(rows[page * size:(page + 1) * size + 1])
    more = len(shown) > size
    shown = shown[:size]
    start = page * size
    return {key: [shape(row) for row in shown], "end": start + max(len(shown) - 1, 0),
            "first_page_uri": link(path, filters, size, 0),
            "next_page_uri": link(path, filters, size, page + 1) if more else None,
            "page": page, "page_size": size,
            "previous_page_uri": link(path, filters, size, page - 1) if page > 0 else None,
            "start": start, "uri": link(path, filters, size, page)}


def v1_page(request, rows, key: str, url: str, shape) -> dict:
    """One page of `rows` by Page and PageSize, in the v1 shape (absolute URLs in "meta")."""
    size, page = size_and_page(request)
    shown = list(rows[page * size:(page + 1) * size + 1])
    more = len(shown) > size
    return {key: [shape(row) for row in shown[:size]], "meta": {
        "page": page, "page_size": size, "first_page_url": link(url, [], size, 0),
        "previous_page_url": link(url, [], size, page - 1) if page > 0 else None,
        "url": link(url, [], size, page), "next_page_url": link(url, [], size, page + 1) if more else None,
        "key": key}}
