"""Reading a provider's list across its pages, whatever its style of paging.

A style is a small declaration: where a page keeps its items, and how to ask for the page after
it. The four styles hubwire's providers use:

- `TokenPages`: the page names the next one with a token sent back as a query parameter
  (Google `nextPageToken` -> `pageToken`; Zoom `next_page_token` -> `next_page_token`).
- `UriPages`: the page gives the next page's path on the API host, query included (Twilio
  `next_page_uri`).
- `QueryPages`: the position is part of a query statement (QuickBooks `… STARTPOSITION n
  MAXRESULTS m`); a page shorter than asked is the last.
- `CursorPages`: the page says whether more follow, and the next starts after the last item's id
  (Stripe `has_more` / `starting_after`).

Every page goes through http.raise_for_status, so a failure is the provider's error in words. A
provider that never stops naming a next page (or names the same one twice) is an error too, not a
loop: `max_pages` bounds the reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from hubwire.integrations.http import ProviderError, raise_for_status

# A guard against a provider paging forever, not a business limit: callers reading longer lists
# say so.
DEFAULT_MAX_PAGES = 100


@dataclass(frozen=True)
class PageRequest:
    url: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """One page as the provider sent it: its items, and the whole body (e.g. Google's
    `nextSyncToken`, which only the last page carries)."""

    number: int
    items: list
    body: dict


class PageStyle(Protocol):
    items: str

    def first(self, request: PageRequest) -> PageRequest: ...

    def following(self, request: PageRequest, body: dict, items: list, read: int) -> PageRequest | None:
        """The request for the next page, or None after the last. `read`: items so far, this page's included."""


def items_at(body: dict, path: str) -> list:
    """The list at a dotted `path` in a page's body ("QueryResponse.Customer"); [] when absent."""
    node = body
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


@dataclass(frozen=True)
class TokenPages:
    items: str
    next_token: str   # where the body names the next page
    token_param: str  # the query parameter that asks for it

    def first(self, request: PageRequest) -> PageRequest:
        return request

    def following(self, request: PageRequest, body: dict, items: list, read: int) -> PageRequest | None:
        token = body.get(self.next_token)
        return PageRequest(request.url, {**request.params, self.token_param: token}) if token else None


@dataclass(frozen=True)
class UriPages:
    items: str
    next_uri: str  # where the body gives the next page's path and query
    base: str      # the API host's URL that the path is relative to (provider.url(host))

    def first(self, request: PageRequest) -> PageRequest:
        return request

    def following(self, request: PageRequest, body: dict, items: list, read: int) -> PageRequest | None:
        uri = body.get(self.next_uri)
        if not uri:
            return None
        if not uri.startswith("/"):
            raise ProviderError(f"The next page named a path hubwire will not follow: {uri[:200]}")
        return PageRequest(self.base.rstrip("/") + uri)  # the path carries the whole query


@dataclass(frozen=True)
class QueryPages:
    items: str
    statement: str     # the query without its paging clause ("SELECT * FROM Customer WHERE …")
    page_size: int
    query_param: str = "query"

    def _at(self, request: PageRequest, start: int) -> PageRequest:
        paged = f"{self.statement} STARTPOSITION {start} MAXRESULTS {self.page_size}"
        return PageRequest(request.url, {**request.params, self.query_param: paged})

    def first(self, request: PageRequest) -> PageRequest:
        return self._at(request, 1)  # STARTPOSITION counts from 1

    def following(self, request: PageRequest, body: dict, items: list, read: int) -> PageRequest | None:
        return self._at(request, read + 1) if len(items) >= self.page_size else None


@dataclass(frozen=True)
class CursorPages:
    items: str
    has_more: str      # the body's flag that more pages follow
    cursor_param: str  # the query parameter taking the last item's id
    item_id: str = "id"

    def first(self, request: PageRequest) -> PageRequest:
        return request

    def following(self, request: PageRequest, body: dict, items: list, read: int) -> PageRequest | None:
        if not body.get(self.has_more) or not items:
            return None
        return PageRequest(request.url, {**request.params, self.cursor_param: items[-1][self.item_id]})


def _address(request: PageRequest) -> httpx.URL:
    """The URL with the request's parameters added to any query it has (httpx's `params=` would
    replace that query, which is all of a Twilio next_page_uri)."""
    return httpx.URL(request.url).copy_merge_params(request.params)


def pages(provider, client: httpx.Client, url: str, style: PageStyle, *, params: dict | None = None,
          headers: dict | None = None, max_pages: int = DEFAULT_MAX_PAGES) -> Iterator[Page]:
    """Each page of the list at `url`, read as the caller consumes them (stop early by breaking)."""
    request = style.first(PageRequest(url, dict(params or {})))
    asked, read = set(), 0
    for number in range(1, max_pages + 1):
        address = _address(request)
        asked.add(str(address))
        body = raise_for_status(provider, client.get(address, headers=headers)).json()
        found = items_at(body, style.items)
        read += len(found)
        yield Page(number, found, body)
        request = style.following(request, body, found, read)
        if request is None:
            return
        if str(_address(request)) in asked:
            raise ProviderError(f"{provider.name} named a page it had already sent; hubwire stopped reading the "
                                "list there rather than loop.", retryable=False)
    raise ProviderError(f"{provider.name} had more than {max_pages} pages in one list; hubwire stopped reading "
                        "there rather than run on without end.", retryable=False)


def each_item(provider, client: httpx.Client, url: str, style: PageStyle, **kwargs) -> Iterator:
    """Every item of the list at `url`, page after page (keyword arguments as for `pages`)."""
    for page in pages(provider, client, url, style, **kwargs):
        yield from page.items
