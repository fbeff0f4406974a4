"""Sending a queued text to Twilio: one SmsSend job per message, never lost and never sent twice.

Never lost: the job is a row committed with the message (compose.py); a lost broker message only
delays it (jobs/, architecture principle 3). Never twice: `send_started_at` is committed before the
create goes out. A later attempt that finds it set does not know whether Twilio took the message
(the answer may have been lost on the way back), so it asks Twilio first: it lists the messages To
the number (From the sender) created since shortly before that moment, newest first, and adopts one
with the same body that no other text of hubwire's holds. Only when there is none does it create
again. (Not by DateSent: a message Twilio still has queued has no date_sent yet, and that is exactly
the one a lost answer leaves behind.)

Paced at the sender's rate: a US long code sends 1 segment a second (providers.md §6.1; the setting
HUBWIRE_TWILIO_SEGMENTS_PER_SECOND changes it, e.g. for a toll-free number or a short code). Each
sender has a token bucket (integrations/ratelimit.py) and a message of n segments takes n tokens; one
that must wait gives its worker back (RetryLater) and comes again when its turn is due. The bucket
holds HUBWIRE_TWILIO_QUEUE_AHEAD_SECONDS of sending (10 s): that much may wait in Twilio's own
queue, which covers the time a waiting job takes to be woken (the jobs tick), so the sender never
idles, and stays far inside Twilio's 4-hour queue limit (21611 / 30001). A Messaging Service sends
from each of its numbers at that rate, so its bucket fills as fast as all of them (the count is
read from Twilio when the Service is chosen: config.sender_numbers).

Automated texts (not typed by a person) ask quiet hours (quiet.py) first and are held (status
"held") until the morning. Twilio's refusals become the message's failure in words (errors.py);
21610 also records the opt-out (optout.py). A text to a number that opted out, whether hubwire knew
before sending or Twilio said 21610, fails in optout.refusal's words, the ones the composer shows.
The status callback URL is the connection's own."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import httpx
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from hubwire.core.number_settings import number_setting
from hubwire.integrations.http import ProviderError
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.paging import UriPages, each_item
from hubwire.integrations.ratelimit import RateLimitWaitTooLong, acquire
from hubwire.integrations.registry import PROVIDERS, RateLimit
from hubwire.integrations.tokens import NeedsReconnect, connection_client
from hubwire.integrations.twilio import optout, quiet
from hubwire.integrations.twilio.config import KEY, active_connection, config_of
from hubwire.integrations.twilio.models import FINAL, SmsMessage, SmsStatus
from hubwire.integrations.twilio.status import status_advance
from hubwire.jobs.models import DurableJob, RetryLater
from hubwire.jobs.registry import job_handler, register
from hubwire.jobs.runner import enqueue

DEFAULT_SEGMENTS_PER_SECOND = 1.0  # US long code: twilio.com/docs/errors/30001 (providers.md §6.1)
DEFAULT_QUEUE_AHEAD_SECONDS = 10.0
# How far before send_started_at a message Twilio holds may have been created and still be ours:
# Twilio's clock and ours may disagree by this much [U: a margin, not a documented figure].
CLOCK_SKEW = timedelta(minutes=5)
LOOKUP_PAGE_SIZE = 50
LOOKUP_MAX_PAGES = 20  # 1,000 messages to one number within minutes would be a flood, not a lost answer
QUEUE_FULL_RETRY_SECONDS = 300.0  # 21611: the sender's queue drains 1 segment a second; try again later
THROTTLED_RETRY_SECONDS = 5.0
OUTBOUND_DIRECTIONS = {"outbound-api", "outbound-call", "outbound-reply"}


@register
class SmsSend(DurableJob):
    """Send one text (the handler below). Its work is calls to Twilio, so it runs outside a
    transaction and is safe to repeat."""

    message = models.OneToOneField(SmsMessage, on_delete=models.CASCADE, related_name="send_job")
    outcome = models.TextField(blank=True)

    in_transaction = False

    class Meta(DurableJob.Meta):
        app_label = "integrations_twilio"
        indexes = [*DurableJob.Meta.indexes, models.Index(fields=["finished_at"], name="sms_send_finished")]


def queue(message: SmsMessage) -> SmsSend:
    """Create the message's job; a worker is woken once the surrounding transaction commits."""
    job = SmsSend.objects.create(message=message)
    enqueue(job)
    return job


# --- the sender's pace -------------------------------------------------------------------------------

def segments_per_second() -> float:
    return number_setting("HUBWIRE_TWILIO_SEGMENTS_PER_SECOND", DEFAULT_SEGMENTS_PER_SECOND)


def queue_ahead_seconds() -> float:
    return number_setting("HUBWIRE_TWILIO_QUEUE_AHEAD_SECONDS", DEFAULT_QUEUE_AHEAD_SECONDS, zero_allowed=True)


def bucket_key(account_sid: str, sender: str) -> str:
    """Twilio queues per sender within an account, so the bucket is the pair."""
    return f"twilio-sender:{account_sid}:{sender}"


def sender_rate_limit(numbers: int = 1) -> RateLimit:
    """One sender's pace, in segments: its rate, and as many as may wait in Twilio's queue. A Messaging
    Service spreads its texts over its `numbers`, each sending at that rate."""
    rate = segments_per_second() * max(numbers, 1)
    return RateLimit(per_second=rate, burst=max(1, round(rate * queue_ahead_seconds())),
                     source="twilio.com/docs/errors/30001: a US long code sends 1 segment a second (providers.md "
                            "§6.1); HUBWIRE_TWILIO_SEGMENTS_PER_SECOND")


def take_turn(account_sid: str, sender: str, segment_count: int, *, numbers: int = 1) -> None:
    """Take the message's segments from its sender's bucket, or give the worker back until they are there."""
    pace = sender_rate_limit(numbers)
    try:
        acquire(bucket_key(account_sid, sender), pace.per_second, pace.burst, max_wait=0, cost=max(segment_count, 1))
    except RateLimitWaitTooLong as exc:
        raise RetryLater(f"{sender} sends {pace.per_second:g} segment{'' if pace.per_second == 1 else 's'} a second: "
                         f"this text's turn comes in {exc.wait:.1f} s", after_seconds=exc.wait) from None


# --- the job -----------------------------------------------------------------------------------------

@job_handler(SmsSend)
def send_message(job: SmsSend) -> None:
    message = SmsMessage.objects.select_related("workspace", "conversation__contact").get(pk=job.message_id)
    outcome = _send(job, message)
    SmsSend.objects.filter(pk=job.pk).update(outcome=outcome[:2000])


def _send(job: SmsSend, message: SmsMessage) -> str:
    if message.twilio_sid or message.status in FINAL:
        return f"nothing to do: it is {message.get_status_display().lower()}"
    connection = active_connection(message.workspace)
    config = config_of(connection)
    if connection is None or not config.ready:
        return _refused(message, "", "Not sent: Twilio is not connected, or no sender is chosen on the SMS tab.")
    if refused := optout.refusal(message.workspace, message.conversation.phone):
        return _refused(message, "", f"Not sent: {refused}")
    if message.automated:
        _wait_for_morning(message)
    provider = PROVIDERS[KEY]
    account_sid = connection.credentials.get("account_sid", "")
    try:
        with connection_client(provider, connection) as client:
            if message.send_started_at is not None:
                found = _sent_before(provider, client, account_sid, message)
                if found is not None:
                    return _adopted(message, found)
            take_turn(account_sid, config.sender, message.segments, numbers=config.sender_numbers)
            # The first attempt's moment is kept, so that every later look covers every earlier create.
            sender, started = config.sender, message.send_started_at or timezone.now()
            SmsMessage.objects.filter(pk=message.pk).update(send_started_at=started, sender=sender)
            message.sender, message.send_started_at = sender, started
            response = client.post(provider.url("api", f"/2010-04-01/Accounts/{account_sid}/Messages.json"),
                                   data=_create_form(message, sender, connection))
            return _answered(provider, message, response)
    except NeedsReconnect as exc:
        return _refused(message, "", f"Not sent: {exc}")
    except (httpx.TransportError, ProviderError) as exc:
        if job.final_attempt:
            return _refused(message, "", f"Twilio did not answer after {job.attempts} tries ({exc}). It may or may "
                                         "not have sent the text: check the Twilio Console before sending it again.")
        raise


def _create_form(message: SmsMessage, sender: str, connection) -> dict:
    form = {"To": message.conversation.phone, "Body": message.body,
            "StatusCallback": connection_inbound_url(connection=connection)}
    form["MessagingServiceSid" if _is_service(sender) else "From"] = sender
    return form


def _is_service(sender: str) -> bool:
    return sender.startswith("MG")


def _answered(provider, message: SmsMessage, response: httpx.Response) -> str:
    if response.is_success:
        body = response.json()
        return _adopted(message, body, created=True)
    problem = provider.explain_error(response)
    if response.status_code == 429 or problem.code == "20429":
        raise RetryLater(problem.message, after_seconds=THROTTLED_RETRY_SECONDS)
    if response.status_code >= 500:  # Twilio may have taken it: the next attempt looks first
        raise ProviderError(f"Twilio answered {response.status_code}: {problem.message}", status=response.status_code)
    # A 4xx is Twilio's refusal: nothing was created, so there is nothing to look for next time.
    SmsMessage.objects.filter(pk=message.pk).update(send_started_at=None)
    message.send_started_at = None
    if problem.code == "21611":
        raise RetryLater(problem.message, after_seconds=QUEUE_FULL_RETRY_SECONDS)
    if problem.code == "21610":
        # Said as the composer says it (optout.refusal), now that the ledger holds Twilio's refusal.
        optout.record(message.conversation, opted_out=True, source="21610", message=message)
        if refused := optout.refusal(message.workspace, message.conversation.phone):
            return _refused(message, problem.code, f"Not sent: {refused}")
    return _refused(message, problem.code, problem.message)


def _refused(message: SmsMessage, code: str, words: str) -> str:
    status_advance(message, SmsStatus.FAILED, error_code=code, error=words)
    return words


def _adopted(message: SmsMessage, resource: dict, *, created: bool = False) -> str:
    """Keep Twilio's id and status for the message (its answer to the create, or the one found)."""
    sid = str(resource.get("sid") or "")
    try:
        with transaction.atomic():
            SmsMessage.objects.filter(pk=message.pk, twilio_sid=None).update(twilio_sid=sid)
    except IntegrityError:  # another text of hubwire's holds it: never two rows for one Twilio message
        raise ProviderError(f"Twilio's message {sid} is already another text's in hubwire", retryable=False) from None
    message.twilio_sid = sid
    status = str(resource.get("status") or "")
    if status in SmsStatus.values and status not in (SmsStatus.WAITING, SmsStatus.HELD, SmsStatus.RECEIVED):
        status_advance(message, status, error_code=str(resource.get("error_code") or ""),
                       error=str(resource.get("error_message") or ""))
    return f"sent: Twilio took it as {sid}" if created else \
        f"not sent again: Twilio already had it as {sid} (its answer had been lost)"


def _sent_before(provider, client: httpx.Client, account_sid: str, message: SmsMessage) -> dict | None:
    """The message Twilio created for this text on an earlier attempt whose answer was lost, if any:
    the oldest to the number from the sender, with the same body, created since shortly before the
    attempt began and not held by another text of hubwire's."""
    params = {"To": message.conversation.phone, "PageSize": LOOKUP_PAGE_SIZE}
    if message.sender and not _is_service(message.sender):
        params["From"] = message.sender
    since = message.send_started_at - CLOCK_SKEW
    style = UriPages(items="messages", next_uri="next_page_uri", base=provider.url("api"))
    found = None
    url = provider.url("api", f"/2010-04-01/Accounts/{account_sid}/Messages.json")
    for item in each_item(provider, client, url, style, params=params, max_pages=LOOKUP_MAX_PAGES):
        created = _instant(item.get("date_created"))
        if created is not None and created < since:
            break  # newest first: the rest are older still
        if (item.get("body") != message.body or item.get("direction") not in OUTBOUND_DIRECTIONS
                or (_is_service(message.sender) and item.get("messaging_service_sid") != message.sender)):
            continue
        if SmsMessage.objects.filter(twilio_sid=item.get("sid")).exclude(pk=message.pk).exists():
            continue
        found = item
    return found


def _instant(rfc2822):
    try:
        return parsedate_to_datetime(rfc2822) if rfc2822 else None
    except (TypeError, ValueError):
        return None


def _wait_for_morning(message: SmsMessage) -> None:
    """An automated text during quiet hours waits (status "held") until they end."""
    until = quiet.hold_until(message.workspace, message.conversation.contact)
    now = timezone.now()
    if until is not None and until > now:
        SmsMessage.objects.filter(pk=message.pk, status__in=(SmsStatus.WAITING, SmsStatus.HELD)).update(
            status=SmsStatus.HELD, status_at=now)
        raise RetryLater(f"held for quiet hours until {until.isoformat(timespec='minutes')}",
                         after_seconds=(until - now).total_seconds())
    if message.status == SmsStatus.HELD:
        SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.HELD).update(status=SmsStatus.WAITING, status_at=now)
        message.status = SmsStatus.WAITING
