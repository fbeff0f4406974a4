"""The SMS segment counter (issue 20 item 2): encoding and segments for every case of the table in
segment_cases.py, the characters that forced UCS-2, look-alike replacement, Twilio's 1,600 limit,
and the table itself as the page receives it."""

import json

import pytest
from django.template.loader import render_to_string

from hubwire.integrations.twilio.segments import (
    TABLE_PATH, ForcingCharacter, Replacement, line_breaks_as_typed, lookalikes, segments, too_long)
from tests.integrations.twilio.segment_cases import CASES, EXTENSION, FAMILY, GRIN, GSM7, UCS2

TABLE = json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def test_the_table_has_at_least_60_cases_with_distinct_names():
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_encoding_units_and_segments_match_the_hand_worked_table(case):
    count = segments(case.text)
    assert (count.encoding, count.units, count.segments) == (case.encoding, case.units, case.segments)
    assert count.units_per_segment == {(GSM7, True): 160, (GSM7, False): 153,
                                       (UCS2, True): 70, (UCS2, False): 67}[case.encoding, case.segments <= 1]
    if case.characters is not None:
        assert count.characters == case.characters
    assert bool(count.forced_by) == (case.encoding == UCS2)


def test_units_left_count_what_still_fits_including_the_septet_a_boundary_wastes():
    assert segments("").units_left == 160
    assert segments("a" * 150).units_left == 10
    assert segments("a" * 161).units_left == 153 - 8
    # Part 1 is 152 a and 1 unused septet, part 2 the euro (2) + 151 a, part 3 the last a: 152 left.
    assert segments("a" * 152 + "€" + "a" * 152).units_left == 152
    assert segments("a" * 66 + GRIN + "a" * 66).units_left == 66  # the same in UCS-2 with a surrogate pair


def test_the_characters_that_forced_ucs2_are_named_with_their_positions():
    count = segments("Hi \u201cAnn\u201d, caf\u00e9 \U0001F600 ok")
    assert count.forced_by == (ForcingCharacter(3, "\u201c"), ForcingCharacter(7, "\u201d"), ForcingCharacter(15, GRIN))
    # A combined emoji is one character and is named whole; é is GSM-7 and is not named.
    assert segments("a" + FAMILY + "é").forced_by == (ForcingCharacter(1, FAMILY),)
    assert segments("ΔΩ {ok} €").forced_by == ()


def test_characters_are_counted_as_the_person_sees_them():
    assert segments(FAMILY).characters == 1
    assert segments("\U0001F1EB\U0001F1F7\U0001F1E9").characters == 2  # a flag and a lone indicator
    assert segments("n\u0303o").characters == 2  # n + combining tilde, then o
    assert segments("\r\n\r").characters == 2
    assert segments("\n\u0301").characters == 2  # nothing joins a line break


def test_the_summary_is_the_line_the_page_shows():
    assert segments("").summary == "0 characters · GSM-7 · 0 segments (160 per segment)"
    assert segments("a").summary == "1 character · GSM-7 · 1 segment (160 per segment)"
    assert segments("a" * 1600).summary == "1,600 characters · GSM-7 · 11 segments (153 per segment)"
    assert segments(GRIN * 36).summary == "36 characters · Unicode (UCS-2) · 2 segments (67 per segment)"


@pytest.mark.parametrize(("text", "expected_text", "expected"), [
    ("It\u2019s \u201cready\u201d", "It's \"ready\"",
     [Replacement(2, "\u2019", "'"), Replacement(5, "\u201c", '"'), Replacement(11, "\u201d", '"')]),
    ("9\u201312 \u2014 ok", "9-12 - ok", [Replacement(1, "\u2013", "-"), Replacement(5, "\u2014", "-")]),
    ("Wait\u2026 yes", "Wait... yes", [Replacement(4, "\u2026", "...")]),
    ("10\u00a0am\u202fsharp", "10 am sharp", [Replacement(2, "\u00a0", " "), Replacement(5, "\u202f", " ")]),
    ("zero\u200bwidth", "zerowidth", [Replacement(4, "\u200b", "")]),
    ("\u00abbien\u00bb \u2018ok\u2019", "\"bien\" 'ok'",
     [Replacement(0, "\u00ab", '"'), Replacement(5, "\u00bb", '"'), Replacement(7, "\u2018", "'"),
      Replacement(10, "\u2019", "'")]),
    ("5 \u2126", "5 Ω", [Replacement(2, "\u2126", "Ω")]),
    ("tab\there", "tab here", [Replacement(3, "\t", " ")]),
    ("plain text", "plain text", []),
    ("", "", []),
], ids=["apostrophe and quotes", "dashes", "ellipsis", "spaces", "zero width", "guillemets and singles", "ohm",
        "tab", "nothing to replace", "empty"])
def test_lookalikes_are_replaced_by_their_gsm7_equivalents(text, expected_text, expected):
    assert lookalikes(text) == (expected_text, expected)


def test_replacing_lookalikes_makes_a_typical_pasted_message_gsm7_and_cheaper():
    pasted = ("\u201cHi Ann\u201d \u2014 your appointment\u2019s at 10\u00a0am\u2026 "
              "Reply \u2018YES\u2019 to confirm. " * 3)
    assert (segments(pasted).encoding, segments(pasted).segments) == (UCS2, 3)  # 3 × 64 = 192 units: 67 + 67 + 58
    replaced, _ = lookalikes(pasted)
    assert (segments(replaced).encoding, segments(replaced).segments) == (GSM7, 2)  # each … became ...: 198 septets, 153 + 45


def test_what_lookalikes_cannot_replace_keeps_the_message_ucs2():
    replaced, replacements = lookalikes("\u201cSee you\u201d " + GRIN)
    assert replaced == '"See you" ' + GRIN and len(replacements) == 2
    assert segments(replaced).forced_by == (ForcingCharacter(10, GRIN),)


def test_a_lookalike_inside_a_combined_character_is_replaced_at_that_characters_position():
    assert lookalikes("a\u2019\u0301b") == ("a'\u0301b", [Replacement(1, "\u2019", "'")])


def test_twilios_1600_limit_counts_utf16_units():
    assert not too_long("a" * 1600) and too_long("a" * 1601)
    assert not too_long("€" * 800)  # 1,600 septets, but 800 characters for the limit
    assert not too_long(GRIN * 800) and too_long(GRIN * 800 + "a")  # an emoji is 2 units
    assert not too_long("")


def test_line_breaks_as_typed_turn_a_submitted_textarea_back_into_what_the_page_counted():
    assert line_breaks_as_typed("a\r\nb\rc\nd") == "a\nb\nc\nd"
    submitted = "Line one\r\nLine two"
    assert segments(line_breaks_as_typed(submitted)).units == segments(submitted).units - 1


def test_the_table_holds_the_gsm7_sets_and_a_lookalike_map_that_only_maps_out_of_gsm7():
    basic, extension = TABLE["gsm7_basic"], TABLE["gsm7_extension"]
    assert len(basic) == 127 and len(set(basic)) == 127 and "\x1b" not in basic  # 128 codes less the escape
    assert extension == EXTENSION and not set(basic) & set(extension)
    assert TABLE["segment_sizes"] == {"GSM-7": {"single": 160, "part": 153}, "UCS-2": {"single": 70, "part": 67}}
    seen = set()
    for entry in TABLE["lookalikes"]:
        original = chr(int(entry["from"].removeprefix("U+"), 16))
        assert original not in basic + extension and original not in seen, entry
        assert all(char in basic + extension for char in entry["to"]), entry
        assert entry["source"] in ("twilio", "U") and entry["name"], entry
        seen.add(original)
    assert {"\u201c", "\u201d", "\u2018", "\u2019", "\u2013", "\u2014", "\u2026", "\u00a0"} <= seen


def test_the_include_embeds_the_very_table_segments_reads_and_counts_the_first_text():
    html = render_to_string("twilio/_sms_counter.html", {"textarea_id": "id_body", "text": "Hi {Ann}"})
    start = html.index("<script type=\"application/json\" data-sms-segment-table>") + len(
        "<script type=\"application/json\" data-sms-segment-table>")
    embedded = html[start:html.index("</script>", start)]
    assert json.loads(embedded) == TABLE
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded  # nothing can close the script early
    assert '<p data-sms-summary aria-live="polite">8 characters · GSM-7 · 1 segment (160 per segment)</p>' in html
    assert 'data-sms-counter-for="id_body"' in html and 'id="id_body-counter"' in html
    assert '<script src="/static/twilio/sms_counter.js" defer></script>' in html


def test_the_include_without_a_first_text_counts_nothing():
    html = render_to_string("twilio/_sms_counter.html", {"textarea_id": "id_body"})
    assert "0 characters · GSM-7 · 0 segments (160 per segment)" in html
