"""The sandbox's one Twilio account (credentials.py) and what it owns from its
first request on: three US long-code numbers, and a Messaging Service holding the last two of them
so that both ways of sending (From a number, through a Service) can be tried. A reset forgets them;
the next request makes them again with the same SIDs, so a pasted SID stays good."""

import hashlib

from django.db import transaction

from hubwire.sandbox import clock
from hubwire.sandbox.twilio.credentials import ACCOUNT_SID, AUTH_TOKEN  # noqa: F401  (the account's, here too)
from hubwire.sandbox.twilio.models import PhoneNumber, Service

# 555-0100 to 555-0199 are the fictional numbers of the North American plan: they reach nobody.
NUMBERS = ("+12025550101", "+12025550102", "+12025550103")
SERVICE_NUMBERS = NUMBERS[1:]
SERVICE_NAME = "hubwire sandbox service"


def fixed_sid(prefix: str, name: str) -> str:
    return prefix + hashlib.md5(f"hubwire sandbox {name}".encode()).hexdigest()


SERVICE_SID = fixed_sid("MG", SERVICE_NAME)


def friendly(number: str) -> str:
    """How Twilio's console names a US number: (202) 555-0101."""
    digits = number[2:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def seed() -> None:
    if PhoneNumber.objects.filter(account_sid=ACCOUNT_SID).exists():
        return
    now = clock.now()
    with transaction.atomic(using="sandbox"):
        service, _ = Service.objects.get_or_create(sid=SERVICE_SID, defaults={
            "account_sid": ACCOUNT_SID, "friendly_name": SERVICE_NAME, "date_created": now, "date_updated": now})
        for number in NUMBERS:
            PhoneNumber.objects.get_or_create(sid=fixed_sid("PN", number), defaults={
                "account_sid": ACCOUNT_SID, "phone_number": number, "friendly_name": friendly(number),
                "service": service if number in SERVICE_NUMBERS else None, "date_created": now, "date_updated": now})
