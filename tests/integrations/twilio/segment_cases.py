"""The segment counter's table (issue 20 item 2), each answer worked out by hand, shared by the
server's test (test_segments.py) and the page's (test_segments_browser.py).

Arithmetic used in the comments: GSM-7 is 160 septets in one segment, else parts of 153; an
extension character (`\\f ^ { } \\ [ ~ ] | €`) is 2 septets that never straddle two parts. UCS-2 is
70 UTF-16 units in one segment, else parts of 67; a character outside the BMP is 2 units that never
straddle two parts. `a` is 1 unit in either encoding."""

from dataclasses import dataclass

GSM7, UCS2 = "GSM-7", "UCS-2"
EXTENSION = "\f^{}\\[~]|€"
FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # 4 emoji of 2 units + 3 ZWJ of 1 = 11 units
FLAG_FR = "\U0001F1EB\U0001F1F7"  # 2 regional indicators of 2 units = 4 units
THUMBS_UP_MEDIUM = "\U0001F44D\U0001F3FD"  # emoji + skin tone modifier, 2 + 2 = 4 units
KEYCAP_ONE = "1\uFE0F\u20E3"  # digit (GSM) + variation selector + combining keycap: 3 BMP units
FLAG_ENGLAND = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"  # black flag + 6 tags: 7 × 2 = 14 units
GRIN = "\U0001F600"


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    encoding: str
    units: int
    segments: int
    characters: int | None = None  # checked where it differs from the code point count


def extension_cases() -> list[Case]:
    cases = []
    for char in EXTENSION:
        name = f"U+{ord(char):04X}"
        # Index 152 is the first part's last septet: the pair cannot start there, so part 1 ends
        # with 152 septets and 1 unused; part 2 is the pair + 151 a (153), part 3 the last a.
        cases.append(Case(f"extension {name} at index 152 moves to part 2", "a" * 152 + char + "a" * 152, GSM7, 306, 3))
        # Index 151: the pair fills septets 152 and 153 of part 1 exactly: 153 + 153, two parts.
        cases.append(Case(f"extension {name} at index 151 ends part 1", "a" * 151 + char + "a" * 153, GSM7, 306, 2))
    return cases


CASES: list[Case] = [
    # --- plain GSM-7 ---
    Case("empty", "", GSM7, 0, 0),
    Case("one space", " ", GSM7, 1, 1),
    Case("hello", "Hello", GSM7, 5, 1),
    Case("GSM punctuation and currency", "@£$¥¤§¿¡_!\"#%&'()*+,-./:;<=>?", GSM7, 29, 1),
    Case("exactly 160", "a" * 160, GSM7, 160, 1),
    Case("161 needs two parts", "a" * 161, GSM7, 161, 2),  # 153 + 8
    Case("306 is two full parts", "a" * 306, GSM7, 306, 2),  # 153 + 153
    Case("307 needs a third part", "a" * 307, GSM7, 307, 3),
    Case("459 is three full parts", "a" * 459, GSM7, 459, 3),
    Case("460 needs a fourth part", "a" * 460, GSM7, 460, 4),
    # --- the extension table: 2 septets each ---
    Case("braces in one segment", "Pay {now}", GSM7, 11, 1),
    Case("158 + euro is exactly 160", "a" * 158 + "€", GSM7, 160, 1),
    Case("159 + euro is 161", "a" * 159 + "€", GSM7, 161, 2),
    Case("80 euros are 160 septets", "€" * 80, GSM7, 160, 1),
    # 162 septets: part 1 holds 76 euros (152) and cannot take a 77th; part 2 holds the other 5.
    Case("81 euros", "€" * 81, GSM7, 162, 2),
    Case("80 brackets are 160", "[" * 80, GSM7, 160, 1),
    Case("form feed counts twice", "a\fb", GSM7, 4, 1),
    *extension_cases(),
    # --- accents: inside GSM-7 and outside ---
    Case("é ü Ñ are GSM-7", "Café, Müller, Niño, ÑÜÉ", GSM7, 23, 1),
    Case("à Ä Ö Å Ø æ ß are GSM-7", "àÄÖÅØæß", GSM7, 7, 1),
    Case("capital Ç is GSM-7", "Ça va", GSM7, 5, 1),
    Case("small ç is not", "ça va", UCS2, 5, 1),
    Case("ê is not", "crêpe", UCS2, 5, 1),
    Case("ő is not", "Erdős", UCS2, 5, 1),
    Case("capital À is not (only à is)", "À bientôt", UCS2, 9, 1),
    Case("é decomposed (e + U+0301) is not", "Cafe\u0301", UCS2, 5, 1, characters=4),
    Case("161 é stay GSM-7", "é" * 161, GSM7, 161, 2),
    Case("160 Ç are one segment", "Ç" * 160, GSM7, 160, 1),
    Case("160 ç are three parts", "ç" * 160, UCS2, 160, 3),  # 67 + 67 + 26
    Case("70 ê are one segment", "ê" * 70, UCS2, 70, 1),
    Case("71 ê are two parts", "ê" * 71, UCS2, 71, 2),  # 67 + 4
    # --- Greek and Cyrillic ---
    Case("Greek capitals in GSM-7", "ΔΦΓΛΩΠΨΣΘΞ", GSM7, 10, 1),
    Case("Greek capital alpha looks like A but is not", "\u0391BC", UCS2, 3, 1),
    Case("small omega is not", "ω", UCS2, 1, 1),
    Case("ohm sign is not the Omega of GSM-7", "10 \u2126", UCS2, 4, 1),
    Case("Cyrillic", "Привет, мир!", UCS2, 12, 1),
    Case("70 Cyrillic letters", "ж" * 70, UCS2, 70, 1),
    Case("71 Cyrillic letters", "ж" * 71, UCS2, 71, 2),
    # --- emoji ---
    Case("one emoji", GRIN, UCS2, 2, 1, characters=1),
    Case("35 emoji are 70 units", GRIN * 35, UCS2, 70, 1),
    # 72 units: a part holds 33 emoji (66, the 34th would need 68); part 2 holds the other 3.
    Case("36 emoji", GRIN * 36, UCS2, 72, 2),
    # 134 units = 2 × 67, but the pair cannot start at unit 67: part 1 is 66 + 1 unused,
    # part 2 the pair + 65 a, part 3 the last a.
    Case("emoji at unit 67 moves to part 2", "a" * 66 + GRIN + "a" * 66, UCS2, 134, 3),
    Case("emoji at units 66-67 ends part 1", "a" * 65 + GRIN + "a" * 67, UCS2, 134, 2),
    Case("emoji with text", "See you soon \U0001F44B", UCS2, 15, 1),
    Case("heart with presentation selector", "\u2764\uFE0F", UCS2, 2, 1, characters=1),
    # --- combined emoji: each counts the units of all its code points ---
    Case("family (ZWJ sequence)", FAMILY, UCS2, 11, 1, characters=1),
    Case("flag", FLAG_FR, UCS2, 4, 1, characters=1),
    Case("two flags are two characters", FLAG_FR + "\U0001F1E9\U0001F1EA", UCS2, 8, 1, characters=2),
    Case("skin tone", THUMBS_UP_MEDIUM, UCS2, 4, 1, characters=1),
    Case("keycap", KEYCAP_ONE, UCS2, 3, 1, characters=1),
    Case("England's flag (tag sequence)", FLAG_ENGLAND, UCS2, 14, 1, characters=1),
    # 64 + 11 + 59 = 134: part 1 is 64 a + man + ZWJ (67), part 2 the other 8 units + 59 a (67).
    Case("family across the boundary, 2 parts", "a" * 64 + FAMILY + "a" * 59, UCS2, 134, 2, characters=124),
    # 66 + 11 + 57 = 134: the man (a pair) cannot start at unit 67: part 1 is 66 + 1 unused,
    # part 2 the family (11) + 56 a, part 3 the last a.
    Case("family pushed to part 2", "a" * 66 + FAMILY + "a" * 57, UCS2, 134, 3, characters=124),
    # 65 + 4 + 65: part 1 is 65 a + the first indicator (67); part 2 the second + 65 a (67).
    Case("flag split between its indicators", "a" * 65 + FLAG_FR + "a" * 65, UCS2, 134, 2, characters=131),
    Case("flag pushed to part 2", "a" * 66 + FLAG_FR + "a" * 64, UCS2, 134, 3, characters=131),
    Case("skin tone split from its emoji", "a" * 65 + THUMBS_UP_MEDIUM + "a" * 65, UCS2, 134, 2, characters=131),
    Case("skin tone emoji pushed to part 2", "a" * 66 + THUMBS_UP_MEDIUM + "a" * 64, UCS2, 134, 3, characters=131),
    # Keycap units are all in the BMP, so they split anywhere: 66 + 3 + 65 = 134 is two full parts.
    Case("keycap across the boundary", "a" * 66 + KEYCAP_ONE + "a" * 65, UCS2, 134, 2, characters=132),
    Case("keycap, one more unit", "a" * 67 + KEYCAP_ONE + "a" * 65, UCS2, 135, 3, characters=133),
    # --- line breaks, spaces, controls ---
    Case("LF", "line 1\nline 2", GSM7, 13, 1),
    Case("CR LF is two septets, one character", "line 1\r\nline 2", GSM7, 14, 1, characters=13),
    Case("80 CR LF are 160", "\r\n" * 80, GSM7, 160, 1, characters=80),
    Case("81 CR LF are 162", "\r\n" * 81, GSM7, 162, 2, characters=81),  # 153 + 9: single septets split anywhere
    Case("no-break space is not GSM-7", "10\u00A0am", UCS2, 5, 1),
    Case("tab is not GSM-7", "a\tb", UCS2, 3, 1),
    Case("escape itself is not a GSM-7 character", "a\x1bb", UCS2, 3, 1),
    # --- look-alikes that force UCS-2 ---
    Case("smart apostrophe", "It\u2019s ready", UCS2, 10, 1),
    Case("smart quotes and em dash", "\u201cSee you\u201d \u2014 Ann", UCS2, 15, 1),
    Case("ellipsis", "Wait\u2026", UCS2, 5, 1),
    Case("backtick", "`code`", UCS2, 6, 1),
    # --- Twilio's 1,600 ---
    Case("1,600 a", "a" * 1600, GSM7, 1600, 11),  # 10 × 153 = 1530, 70 in the 11th
    Case("1,601 a", "a" * 1601, GSM7, 1601, 11),
    Case("1,600 ü", "ü" * 1600, GSM7, 1600, 11),
    Case("800 euros are 1,600 septets", "€" * 800, GSM7, 1600, 11),  # 76 a part: 10 × 76 = 760, 40 in the 11th
    Case("800 emoji are 1,600 units", GRIN * 800, UCS2, 1600, 25),  # 33 a part: 24 × 33 = 792, 8 in the 25th
    Case("1,600 Cyrillic letters", "ж" * 1600, UCS2, 1600, 24),  # 23 × 67 = 1541, 59 in the 24th
]
