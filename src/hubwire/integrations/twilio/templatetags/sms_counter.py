"""Tags for the SMS composer's counter (templates/twilio/_sms_counter.html)."""

import json
from functools import cache

from django import template
from django.utils.safestring import mark_safe

from hubwire.integrations.twilio.segments import TABLE_PATH, segments

register = template.Library()

# Inside <script>, "<" could end the element early ("</script>"), and the table holds "<", ">" and
# "&" as GSM-7 characters: written as JSON escapes they read back the same and close nothing.
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag
def sms_counter_table():
    """The segment table, as the page's counter reads it: the very file segments.py reads, embedded
    so that the counter works on first paint and in a tab swapped in by htmx, without a request."""
    return mark_safe(f'<script type="application/json" data-sms-segment-table>{_table_json()}</script>')


@register.simple_tag
def sms_summary(text):
    """The counter's line for the text the page starts with, so it is right before any script runs."""
    return segments(text or "").summary


@cache
def _table_json() -> str:
    return json.dumps(json.loads(TABLE_PATH.read_text(encoding="utf-8")), ensure_ascii=False).translate(SCRIPT_SAFE)
