"""Under `hubwire run` the sandbox Twilio moves messages along on its own, as Twilio does: beat asks
every few seconds for what is due (delivery.deliver_due), so a text sent from the SMS tab reads
"Delivered" a few seconds later with nobody pressing the phone card's buttons. Tests leave it off
and decide when each status callback goes (the `twilio-advance` hook)."""

from celery import shared_task
from django.conf import settings

from hubwire.jobs.periodic import periodic
from hubwire.sandbox.twilio import delivery

EVERY_SECONDS = 2


@shared_task(name="hubwire.sandbox.twilio.deliver_due")
def deliver_due() -> int:
    if not (settings.HUBWIRE_SANDBOX and settings.HUBWIRE_SANDBOX_TWILIO_DELIVERS):
        return 0
    return delivery.deliver_due()


def declare() -> None:
    """Beat's entry, only where the sandbox delivers by itself (production never sends this task)."""
    if settings.HUBWIRE_SANDBOX and settings.HUBWIRE_SANDBOX_TWILIO_DELIVERS:
        periodic("sandbox-twilio-deliver", task="hubwire.sandbox.twilio.deliver_due", every=EVERY_SECONDS)


declare()
