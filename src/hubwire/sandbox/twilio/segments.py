"""How many SMS segments a body takes, as Twilio counts `num_segments` (providers.md §6.4).

The sandbox's own counter, on purpose: hubwire has its own (integrations/twilio/segments.py), and
an emulator that shared it would agree with hubwire even when both were wrong.

- GSM-7 when every character is in the GSM 03.38 basic set or its extension table: 160 septets in a
  single segment, 153 in each part of a longer one (6 bytes of each 140 go to the UDH). An extension
  character costs two septets (ESC + itself), and the pair is never split across two parts.
- UCS-2 otherwise, for the whole message: 70 UTF-16 units single, 67 per part; a character outside
  the BMP (most emoji) is two units, a surrogate pair that is never split either."""

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(body: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in body)


def _units(body: str) -> list[int]:
    """What each character costs: septets in GSM-7, UTF-16 code units in UCS-2."""
    if is_gsm7(body):
        return [2 if c in GSM_EXTENSION else 1 for c in body]
    return [2 if ord(c) > 0xFFFF else 1 for c in body]


def count(body: str) -> int:
    units = _units(body)
    single, part = (GSM_SINGLE, GSM_PART) if is_gsm7(body) else (UCS2_SINGLE, UCS2_PART)
    if sum(units) <= single:
        return 1
    parts, filled = 1, 0
    for cost in units:
        if filled + cost > part:  # an escape pair or a surrogate pair starts the next part whole
            parts, filled = parts + 1, 0
        filled += cost
    return parts
