"""Sandbox Twilio's test hooks: time passing for the messages in flight (their status changes and
callbacks happen only when asked, so a test decides when), a person texting one of the account's
numbers, and a recipient's handset or carrier failing the next messages. The phone card (page.py)
calls the same functions."""

from hubwire.sandbox import clock
from hubwire.sandbox.hooks import control_action, flag, reset_tables
from hubwire.sandbox.twilio import delivery, inbound, wire
from hubwire.sandbox.twilio.messages import resource
from hubwire.sandbox.twilio.models import FailureRule, Message, OptOut, PhoneNumber, Service

reset_tables(FailureRule, OptOut, Message, PhoneNumber, Service)

# What a test may ask the next messages to a number to end with: undelivered after being sent, or
# failed before reaching the carrier, each with a delivery-time code (providers.md §6.1).
FAILURES = {"undelivered": (30003, 30004, 30005, 30006, 30007, 30008), "failed": (30001, 30007, 30008)}


def advance(*, seconds: float = 0, everything: bool = False) -> dict:
    if everything:
        applied = delivery.deliver_everything()
    else:
        if seconds < 0:
            raise ValueError("seconds: the clock only moves forward")
        if seconds:
            clock.advance(seconds)
        applied = delivery.deliver_due()
    return {"applied": applied, "now": clock.now().isoformat()}


@control_action("twilio-advance")
def advance_hook(data):
    """{"seconds"?: n, "everything"?: bool}: move the sandbox clock on by n seconds (or to the last
    planned status change of any message), then apply every status change now due, posting each
    callback, earliest first."""
    return advance(seconds=float(data.get("seconds", 0)), everything=flag(data, "everything"))


@control_action("twilio-inbound")
def inbound_hook(data):
    """{"from": the person's number, "to": one of the account's numbers, "body"}: the person texts it."""
    received = inbound.receive(from_=str(data["from"]).strip(), to=str(data["to"]).strip(), body=str(data["body"]))
    return resource(received)


def fail_next(*, to: str, status: str, error_code: int, count: int = 1) -> FailureRule:
    if not wire.is_e164(to):
        raise inbound.Refused("to", f"{to!r} is not a phone number in international form.")
    if status not in FAILURES:
        raise inbound.Refused("status", f"status must be one of {', '.join(FAILURES)}")
    if error_code not in FAILURES[status]:
        raise inbound.Refused("error_code", f"a message {status} ends with one of "
                                            f"{', '.join(map(str, FAILURES[status]))}")
    if not 1 <= count <= 1000:
        raise inbound.Refused("count", "count must be from 1 to 1000")
    return FailureRule.objects.create(to=to, status=status, error_code=error_code, remaining=count)


@control_action("twilio-fail-next")
def fail_next_hook(data):
    """{"to", "status": undelivered|failed, "error_code", "count"?: 1}: the next `count` messages to
    `to` end so (undelivered after sent; failed instead of sent)."""
    rule = fail_next(to=str(data["to"]).strip(), status=str(data["status"]), error_code=int(data["error_code"]),
                     count=int(data.get("count", 1)))
    return {"to": rule.to, "status": rule.status, "error_code": rule.error_code, "remaining": rule.remaining}
