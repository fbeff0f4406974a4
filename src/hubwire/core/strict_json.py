"""The one parser for JSON that strangers send (inbound hooks, provider events, the API, the
sandbox's emulated APIs). It refuses at the door what would otherwise fail later as a 500:

- nesting deeper than MAX_DEPTH. json.loads recurses once per level, so [[[…]]] 100,000 deep
  raises RecursionError, in it or in whatever walks the result next (saving to a JSON column,
  jsonschema). A cheap scan of the brackets outside strings runs before the parser.
- text no database can store: a NUL or a lone surrogate, named by its path (core.text).
- NaN and Infinity, which json.loads accepts but are not JSON, and no JSON column takes back.
"""

import json
import math
import re
from itertools import accumulate

from hubwire.core.text import find_unstorable_text

# Far deeper than any real payload (Stripe's and Zoom's events nest fewer than 10 levels), far
# below the depth at which Python's recursion gives out.
MAX_DEPTH = 64

_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class BadJson(ValueError):
    """Why a body was refused, in words for its sender, and where (keys and indexes) if in a value."""

    def __init__(self, reason: str, path: tuple[str | int, ...] = ()):
        self.reason, self.path = reason, path
        super().__init__(f"{'.'.join(map(str, path))}: {reason}" if path else reason)


def _not_a_number(constant: str):
    raise BadJson(f"Not valid JSON: {constant} is not a JSON number.")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise BadJson(f"Not valid JSON: the number {literal[:40]} is too large.")
    return value


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects go. Brackets inside strings do not count."""
    steps = (1 if bracket in "[{" else -1 for bracket in _BRACKETS.findall(_STRINGS.sub("", text)))
    return max(accumulate(steps), default=0)


def parse_json(raw: bytes | str):
    """The value of a JSON document, or BadJson."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadJson("Not valid JSON: the body is not UTF-8 text.") from None
    if nesting_depth(raw) > MAX_DEPTH:
        raise BadJson(f"Arrays and objects are nested more than {MAX_DEPTH} levels deep.")
    try:
        value = json.loads(raw, parse_constant=_not_a_number, parse_float=_finite)
    except BadJson:
        raise
    except ValueError as exc:
        raise BadJson(f"Not valid JSON: {exc}.") from None
    if unstorable := find_unstorable_text(value):
        raise BadJson(*unstorable)
    return value
