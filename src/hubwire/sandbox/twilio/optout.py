"""Twilio's default opt-out handling for long codes (providers.md §6.3, support.twilio.com 223134027):
a single-word message STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT, in any case, puts the pair
(number, sender of the keyword) on the blocklist, or (Messaging Service, sender) when the number
belongs to one; START, YES or UNSTOP takes it off; HELP and INFO only get an answer. Twilio answers
each with an automatic reply, and still forwards the inbound message to the app's webhook. Sending
to a blocked pair is refused at create: 400, 21610.

"Single word" is the whole body once surrounding whitespace is trimmed; a keyword with anything
else beside it ("STOP please", "Stop.") is an ordinary message [U: Twilio's exact tolerance]."""

from hubwire.sandbox import clock
from hubwire.sandbox.twilio.models import OptOut, PhoneNumber, Service

OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN = frozenset({"START", "YES", "UNSTOP"})
HELP = frozenset({"HELP", "INFO"})
# Twilio's default automatic replies to the keywords [U: wording as support articles quote it].
REPLIES = {
    "opt-out": "You have successfully been unsubscribed. You will not receive any more messages from this "
               "number. Reply START to resubscribe.",
    "opt-in": "You have successfully been re-subscribed to messages from this number. Reply HELP for help. "
              "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
    "help": "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
}


def keyword_kind(body: str) -> str | None:
    """"opt-out", "opt-in", "help" or None for an ordinary message."""
    word = body.strip().upper()
    if not word or any(c.isspace() for c in word):
        return None
    if word in OPT_OUT:
        return "opt-out"
    if word in OPT_IN:
        return "opt-in"
    return "help" if word in HELP else None


def scope_of(number: PhoneNumber) -> str:
    return number.service.sid if number.service_id else number.phone_number


def record(number: PhoneNumber, recipient: str, kind: str, message_sid: str) -> None:
    """What the keyword `kind` texted to `number` by `recipient` does to the blocklist."""
    entry = {"account_sid": number.account_sid, "scope": scope_of(number), "recipient": recipient}
    if kind == "opt-out":
        OptOut.objects.get_or_create(**entry, defaults={"keyword_message_sid": message_sid, "created_at": clock.now()})
    elif kind == "opt-in":
        OptOut.objects.filter(**entry).delete()


def is_blocked(account_sid: str, recipient: str, *, sender: str = "", service: Service | None = None) -> bool:
    """Whether `recipient` opted out of the sender number or of the Service it sends through."""
    scopes = {scope for scope in (sender, service.sid if service else "") if scope}
    return OptOut.objects.filter(account_sid=account_sid, recipient=recipient, scope__in=scopes).exists()
