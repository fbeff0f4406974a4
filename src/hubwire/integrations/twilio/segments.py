"""How many SMS segments a text costs (providers.md §6.4), counted by the one function that the
composer's live counter, the record of a sent message and the bill all use.

The rules' data (the GSM-7 sets, the segment sizes, the look-alike map, what joins code points into
one visible character) live in one table, static/twilio/gsm7.json. The page's counter
(static/twilio/sms_counter.js) runs the same steps over the same table, embedded in the page by
`{% sms_counter_table %}`; tests/integrations/twilio/test_segments_browser.py holds the two to the
same answers in a real browser.

Rules:
- GSM-7 when every character is in the GSM-7 basic set (1 septet) or its extension table
  (`\\f ^ { } \\ [ ~ ] | €`, 2 septets: the escape and the character). One segment holds 160
  septets; a longer message is cut into parts of 153 (the other 7 carry the concatenation header).
  An escape pair is never cut between two parts, so a part can end with 1 septet unused.
- Any other character makes the whole message UCS-2: UTF-16 code units, 70 in one segment, 67 in
  each part. A character outside the BMP (most emoji) is a surrogate pair, 2 units, never cut
  between parts. A combined emoji (ZWJ family, flag, skin tone, keycap) costs the units of all its
  code points and may be cut between parts like any run of code points.
- The empty message is 0 segments.
Toll-free US/CA numbers are said to use 152 / 66 per part [3P, providers.md §6.4]: not applied.

Line breaks: a browser submits each line break of a <textarea> as CR LF, while the live value the
page counts holds LF alone. Pass the submitted body through `line_breaks_as_typed` before counting
and sending it, so that what is counted, shown and sent is the same text.
"""

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE_PATH = Path(__file__).parent / "static" / "twilio" / "gsm7.json"

GSM7 = "GSM-7"
UCS2 = "UCS-2"


@dataclass(frozen=True)
class ForcingCharacter:
    """A character (as the person sees it) with a code point outside GSM-7, and its place among the
    message's characters, from 0."""

    position: int
    character: str


@dataclass(frozen=True)
class SegmentCount:
    characters: int  # as the person sees them: a family emoji or a flag is one
    encoding: str  # GSM7 or UCS2
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    units_per_segment: int  # 160 / 153 or 70 / 67: which one this message is cut by
    units_left: int  # what still fits before another segment is needed (a part's unused septet not included)
    forced_by: tuple[ForcingCharacter, ...]  # why it is UCS-2; empty for GSM-7

    @property
    def summary(self) -> str:
        """The line the composer shows, word for word as sms_counter.js writes it."""
        label = _table()["encoding_labels"][self.encoding]
        return (f"{_plural(self.characters, 'character')} · {label} · "
                f"{_plural(self.segments, 'segment')} ({self.units_per_segment} per segment)")


@dataclass(frozen=True)
class Replacement:
    position: int  # of the character as the person sees it, from 0, in the text before replacing
    original: str
    replacement: str


def segments(text: str) -> SegmentCount:
    characters = _characters(text)
    forced_by = tuple(ForcingCharacter(position, character) for position, character in enumerate(characters)
                      if any(not _in_gsm7(code_point) for code_point in character))
    encoding = UCS2 if forced_by else GSM7
    unit_sizes = [_units(code_point, encoding) for code_point in text]
    count, per_segment, left = _pack(unit_sizes, _table()["segment_sizes"][encoding])
    return SegmentCount(characters=len(characters), encoding=encoding, units=sum(unit_sizes), segments=count,
                        units_per_segment=per_segment, units_left=left, forced_by=forced_by)


def lookalikes(text: str) -> tuple[str, list[Replacement]]:
    """The text with each look-alike (smart quotes, dashes, ellipsis, odd spaces…) replaced by its
    GSM-7 equivalent, as Twilio's Smart Encoding would send it, and what was replaced where. The map
    is the table's `lookalikes`: each entry says whether it comes from Twilio's published list or is
    ours ([U])."""
    lookalike_map = _lookalike_map()
    replaced, replacements = [], []
    for position, character in enumerate(_characters(text)):
        for code_point in character:
            if code_point in lookalike_map:
                replacements.append(Replacement(position, code_point, lookalike_map[code_point]))
                replaced.append(lookalike_map[code_point])
            else:
                replaced.append(code_point)
    return "".join(replaced), replacements


def too_long(text: str) -> bool:
    """Over Twilio's body limit of 1,600 characters (providers.md §6.1). What Twilio counts as a
    character is not documented [U]; we count UTF-16 code units because that is never fewer than
    code points or visible characters, so a body we let through is not refused for its length by
    either reading, and it is what a browser counts (a textarea's maxlength, JavaScript's length),
    so the page can say the same before the text is sent."""
    return _utf16_units(text) > _table()["body_limit"]


def line_breaks_as_typed(text: str) -> str:
    """CR LF and lone CR as LF: the text the person typed, as the page counted it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _pack(unit_sizes: list[int], sizes: dict) -> tuple[int, int, int]:
    """(segments, units per segment, units left): fill parts in order, never cutting an item of 2 units."""
    total = sum(unit_sizes)
    if total <= sizes["single"]:
        return (1 if total else 0), sizes["single"], sizes["single"] - total
    part = sizes["part"]
    count, used = 1, 0
    for size in unit_sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count, part, part - used


def _units(code_point: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if code_point in _table()["gsm7_extension"] else 1
    return _utf16_units(code_point)


def _utf16_units(text: str) -> int:
    return sum(2 if ord(code_point) > 0xFFFF else 1 for code_point in text)


def _in_gsm7(code_point: str) -> bool:
    return code_point in _table()["gsm7_basic"] or code_point in _table()["gsm7_extension"]


def _characters(text: str) -> list[str]:
    """The text cut into characters as a person sees them, by the table's `joiners` (a subset of
    Unicode's grapheme rules that sms_counter.js runs the same way). Combining marks are Unicode
    category M in each runtime's own Unicode data (Python 3.12 has 15.0; a browser may be newer), so a
    mark assigned since could be joined on one side only: that moves the character count alone,
    never the encoding, units or segments."""
    characters: list[str] = []
    for code_point in text:
        if characters and _joins(characters[-1], code_point):
            characters[-1] += code_point
        else:
            characters.append(code_point)
    return characters


def _joins(character: str, code_point: str) -> bool:
    joiners = _joiners()
    last = character[-1]
    if last == "\r":
        return code_point == "\n"
    if unicodedata.category(last) == "Cc":  # nothing joins a line break or another control
        return False
    if last == joiners["zero_width_joiner"]:
        return True
    if code_point == joiners["zero_width_joiner"] or unicodedata.category(code_point).startswith("M"):
        return True
    if any(low <= code_point <= high for low, high in joiners["extenders"]):
        return True
    low, high = joiners["regional_indicators"]
    return low <= code_point <= high and len(character) == 1 and low <= last <= high


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _code_point(notation: str) -> str:
    """'U+201C' -> '“': the table writes code points that way so that invisible ones can be read."""
    return chr(int(notation.removeprefix("U+"), 16))


@cache
def _table() -> dict:
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


@cache
def _joiners() -> dict:
    joiners = _table()["joiners"]
    return {"zero_width_joiner": _code_point(joiners["zero_width_joiner"]),
            "regional_indicators": tuple(_code_point(bound) for bound in joiners["regional_indicators"]),
            "extenders": tuple((_code_point(low), _code_point(high)) for low, high in joiners["extenders"])}


@cache
def _lookalike_map() -> dict[str, str]:
    return {_code_point(entry["from"]): entry["to"] for entry in _table()["lookalikes"]}
