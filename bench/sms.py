"""sms: texts handed to Twilio against the rate its senders allow (issue 20).

MESSAGES one-segment texts to MESSAGES different numbers, sent by hubwire's send jobs (run here
as a worker runs them: a text whose turn has not come waits, RetryLater) to sandbox Twilio, served
over HTTP by a threaded server in this process, on SQLite. Twice: through one long code, then
through the sandbox's Messaging Service of two numbers. A US long code sends 1 segment a second;
RATE (4) scales that on both sides (HUBWIRE_TWILIO_SEGMENTS_PER_SECOND, and the sandbox's
HUBWIRE_SANDBOX_TWILIO_SEGMENTS_PER_SECOND) so that the run is short; not beyond what one send
runner manages on this machine (about 10 texts a second, each a job, a create and the sandbox's
own bookkeeping), or the figure would be that throughput, not the pacing. The sandbox's queue limit is
QUEUE_LIMIT seconds instead of 4 hours, so that a hubwire handing texts over faster than they
leave would meet 21611 (a bare number) or 30001 (a Service) within the run.

Prints, for each sender, the segments a second hubwire handed over (from the first create to the
last; with no queue-ahead allowance, HUBWIRE_TWILIO_QUEUE_AHEAD_SECONDS=0, so that the figure is the
pace itself and not the first burst it lets wait in Twilio's queue) beside the rate the sender
allows (its numbers x RATE) as a ratio, target >= 0.95, and the 21611/30001 refusals, target 0.
Prints, never asserts. Run alone with `python -m bench sms`; BENCH_SMS_MESSAGES, BENCH_SMS_RATE and
BENCH_SMS_QUEUE_LIMIT change it."""

import logging
import os
import time

from bench.quickbooks import serve

MESSAGES = int(os.environ.get("BENCH_SMS_MESSAGES", "1000"))
RATE = float(os.environ.get("BENCH_SMS_RATE", "4"))
QUEUE_LIMIT = float(os.environ.get("BENCH_SMS_QUEUE_LIMIT", "60"))
RATIO_TARGET = 0.95


def connect(owner, workspace):
    """Paste the sandbox account's credentials on the SMS tab, as the owner does."""
    from django.test import Client

    from hubwire.integrations.models import Connection
    from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN

    client = Client()
    client.force_login(owner)
    client.post("/integrations/twilio/credentials/", {"mode": "", "account_sid": ACCOUNT_SID,
                                                      "auth_token": AUTH_TOKEN})
    return client, Connection.objects.get(workspace=workspace, provider="twilio")


def texts(workspace, first: int) -> list:
    """MESSAGES waiting texts, each to a number of its own, with their send jobs (not measured)."""
    from hubwire.integrations.twilio.models import Conversation, SmsMessage, SmsStatus
    from hubwire.integrations.twilio.send import SmsSend

    phones = [f"+1415{first + n:07d}" for n in range(MESSAGES)]
    conversations = Conversation.objects.bulk_create([Conversation(workspace=workspace, phone=p) for p in phones])
    messages = SmsMessage.objects.bulk_create([
        SmsMessage(workspace=workspace, conversation=c, direction="outbound", body=f"Reminder {n}: see you at 10.",
                   segments=1, encoding="GSM-7", status=SmsStatus.WAITING) for n, c in enumerate(conversations)])
    SmsSend.objects.bulk_create([SmsSend(message=m) for m in messages])
    return messages


def run_jobs_to_the_end() -> None:
    """Every SmsSend until none waits, as a worker does: due ones run, then sleep until the next is due."""
    from django.utils import timezone

    from hubwire.integrations.twilio.send import SmsSend
    from hubwire.jobs.runner import execute

    label = SmsSend._meta.label_lower
    while True:
        pending = SmsSend.objects.filter(status="pending")
        due = list(pending.filter(next_attempt_at__lte=timezone.now()).order_by("pk").values_list("pk", flat=True))
        for pk in due:
            execute(label, pk)
        if not due:
            following = pending.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
            if following is None:
                return
            time.sleep(max((following - timezone.now()).total_seconds(), 0.001))


def through(client, connection, workspace, *, sid: str, numbers: int, first: int) -> str:
    from hubwire.integrations.twilio.config import config_of
    from hubwire.integrations.twilio.models import SmsMessage
    from hubwire.sandbox.twilio.models import Message

    answer = client.post("/integrations/twilio/sender/", {"sender": sid})
    connection.refresh_from_db()
    chosen = config_of(connection)
    if not chosen.ready or answer.status_code >= 400:
        raise RuntimeError(f"the sender {sid} was not chosen: {answer.status_code}")
    messages = texts(workspace, first)
    run_jobs_to_the_end()
    low, high = messages[0].conversation.phone, messages[-1].conversation.phone  # same length: a range
    made = Message.objects.filter(to__gte=low, to__lte=high, direction="outbound-api").order_by("date_created")
    created = list(made.values_list("date_created", flat=True))
    refused = SmsMessage.objects.filter(workspace=workspace, conversation__phone__gte=low,
                                        conversation__phone__lte=high,
                                        error_code__in=("21611", "30001")).count()
    allowed = RATE * numbers
    seconds = (created[-1] - created[0]).total_seconds() if len(created) > 1 else 0
    achieved = (len(created) - 1) / seconds if seconds else 0.0
    ratio = achieved / allowed
    verdict = "ok" if ratio >= RATIO_TARGET and refused == 0 and len(created) == MESSAGES else "BELOW TARGET"
    return (f"sms: {len(created)} of {MESSAGES} one-segment texts through {chosen.sender_label} ({numbers} "
            f"number{'s' if numbers != 1 else ''}): {achieved:.1f} segments/s handed to Twilio vs {allowed:g}/s "
            f"allowed -> ratio {ratio:.2f} (target {RATIO_TARGET:.2f}); 21611/30001 refusals {refused} (target 0) "
            f"{verdict}")


def run() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from hubwire.core.models import User
    from hubwire.core.services import workspace_create
    from hubwire.sandbox.twilio.account import NUMBERS, SERVICE_NUMBERS, SERVICE_SID, fixed_sid

    logging.getLogger("hubwire.http").setLevel(logging.WARNING)
    setup_test_environment()  # the test client's "testserver" host
    call_command("migrate", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)
    settings.HUBWIRE_SANDBOX, settings.HUBWIRE_SANDBOX_URL = True, ""
    settings.HUBWIRE_BASE_URL = serve()
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = settings.HUBWIRE_SANDBOX_TWILIO_SEGMENTS_PER_SECOND = RATE
    settings.HUBWIRE_SANDBOX_TWILIO_QUEUE_LIMIT_SECONDS = QUEUE_LIMIT
    settings.HUBWIRE_TWILIO_QUEUE_AHEAD_SECONDS = 0
    owner = User.objects.create_user("bench-sms@example.test", "bench-sms-password-1")
    workspace = workspace_create(name="Bench SMS", owner=owner)
    client, connection = connect(owner, workspace)
    print(through(client, connection, workspace, sid=fixed_sid("PN", NUMBERS[0]), numbers=1, first=0), flush=True)
    print(through(client, connection, workspace, sid=SERVICE_SID, numbers=len(SERVICE_NUMBERS), first=MESSAGES),
          flush=True)
