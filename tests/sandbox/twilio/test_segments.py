"""`num_segments` as Twilio counts it (providers.md §6.4), by the sandbox's own counter: GSM-7 160 /
153 septets with the extension characters costing two and never split across parts, UCS-2 70 / 67
UTF-16 units for the whole message once one character is outside GSM-7, a surrogate pair never split.
Each case goes through the API, as hubwire would see it."""

import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import BARE, PERSON, send

pytestmark = SANDBOX_DB

CASES = [
    ("a", 1),
    ("a" * 160, 1),
    ("a" * 161, 2),
    ("a" * 306, 2),
    ("a" * 307, 3),
    ("a" * 1600, 11),
    ("€" * 80, 1),  # 160 septets: an extension character costs two
    ("€" * 81, 2),
    ("a" * 159 + "^", 2),  # 161 septets
    ("a" * 152 + "€" + "a" * 152, 3),  # 306 septets, but the ESC pair cannot straddle parts 1 and 2
    ("a" * 151 + "€" + "a" * 153, 2),  # the pair ends part 1 exactly
    ("\f^{}\\[~]|€", 1),
    ("Ça coûte 5 € à Zürich", 1),  # û is not GSM-7: the whole message is UCS-2
    ("Ça va? Où? À Zürich, 5 £ ou 5 €.", 1),  # all GSM-7 (Ç, ù, À, ü, £, €)
    ("ą" * 70, 1),
    ("ą" * 71, 2),
    ("ą" * 134, 2),
    ("ą" * 135, 3),
    ("ç" + "a" * 69, 1),  # lower-case ç is not in GSM-7 (only Ç)
    ("ç" + "a" * 70, 2),
    ("привет " * 10, 1),
    ("привет " * 11, 2),
    ("😀" * 35, 1),  # 70 UTF-16 units
    ("😀" * 36, 2),
    ("a" * 66 + "😀" + "a" * 66, 3),  # 134 units, but the surrogate pair cannot straddle parts
    ("👩‍👩‍👧‍👦", 1),  # a family: 11 UTF-16 units
    ("🇫🇷" * 17 + "a", 1),  # flags are pairs of regional indicators: 69 units
    ("🇫🇷" * 18, 2),
    ("`", 1),
    ("Line one\nLine two\r\n", 1),
    ("ü" * 1600, 11),
    ("ű" * 1600, 24),
]


@pytest.mark.parametrize(("body", "expected"), CASES, ids=[f"{len(b)}-chars-{n}" for n, (b, _) in enumerate(CASES)])
def test_num_segments_counts_as_twilio_does(api, body, expected):
    assert send(api, To=PERSON, From=BARE, Body=body)["num_segments"] == str(expected)
