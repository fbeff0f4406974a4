"""STUB in the sms-inbound branch: the send part (helper B) owns this module and applies Twilio's
status callbacks here (the message's status only moves forward). Until it is merged, a callback is
stored by inbound.py and this only says, in words, that nothing was applied."""

from urllib.parse import parse_qsl


def apply_callback(event) -> str:
    form = dict(parse_qsl(event.body, keep_blank_values=True))
    return (f"not applied: {form.get('MessageSid', '?')} {form.get('MessageStatus', '?')} waits for the send part "
            "(status.py)")
