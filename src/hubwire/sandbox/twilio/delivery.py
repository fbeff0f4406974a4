"""Moving messages along their planned status steps (queue.py) once the sandbox clock reaches them,
and telling the app: each change after the initial status is posted to the message's StatusCallback
(or its Service's), form-encoded and signed with X-Twilio-Signature (providers.md §6.1-6.2,
twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks: "A status callback
request is not sent for the initial status").

The sandbox has no timer of its own: what is due happens when a test hook (`twilio-advance`) or the
phone card's button asks, so a test decides exactly when each callback goes. A callback is posted
outside any transaction, once the change is saved; one that fails is in the call log, not retried."""

import uuid
from datetime import datetime
from urllib.parse import urlencode

import httpx
from django.db import transaction

from hubwire.sandbox import clock
from hubwire.sandbox.clients import post_event, send_event
from hubwire.sandbox.twilio import account, signing, wire
from hubwire.sandbox.twilio.models import Message

WEBHOOK_TIMEOUT = 15  # Twilio waits 15 seconds for a webhook's answer [U]


def planned(steps: list[list]) -> tuple[list[list], datetime | None]:
    """queue.steps as a Message keeps them (ISO instants), and the first one's instant."""
    kept = [[moment.isoformat(), status, code] for moment, status, code in steps]
    return kept, (steps[0][0] if steps else None)


def _take_next_step(now: datetime) -> Message | None:
    """Apply the earliest due step of any message, and answer the message (None when nothing is due).
    Claimed under a row lock, so two advancers never apply one step twice."""
    with transaction.atomic(using="sandbox"):
        message = (Message.objects.select_for_update(skip_locked=True).select_related("service")
                   .filter(next_step_at__lte=now).order_by("next_step_at", "id").first())
        if message is None:
            return None
        moment, status, code = message.plan[0]
        message.plan = message.plan[1:]
        message.next_step_at = datetime.fromisoformat(message.plan[0][0]) if message.plan else None
        message.status, message.error_code = status, code
        message.date_updated = datetime.fromisoformat(moment)
        if status == "sent":
            message.date_sent = message.date_updated
        message.save()
    return message


def deliver_due() -> int:
    """Apply every step now due, earliest first across all messages, posting each callback; how many."""
    now, applied = clock.now(), 0
    while (message := _take_next_step(now)) is not None:
        applied += 1
        status_callback(message)
    return applied


def deliver_everything() -> int:
    """Move the sandbox clock to the last planned step of any message, then deliver all of it."""
    last = max((Message.objects.exclude(next_step_at=None).values_list("plan", flat=True)), default=None,
               key=lambda plan: plan[-1][0])
    if last:
        ahead = (datetime.fromisoformat(last[-1][0]) - clock.now()).total_seconds()
        if ahead > 0:
            clock.advance(ahead)
    return deliver_due()


def callback_url(message: Message) -> str:
    return message.status_callback or (message.service.status_callback if message.service else "")


def status_callback(message: Message) -> None:
    url = callback_url(message)
    if not url or message.direction == "inbound":
        return
    params = {"MessageSid": message.sid, "SmsSid": message.sid, "AccountSid": message.account_sid,
              "From": message.from_number, "To": message.to, "MessageStatus": message.status,
              "SmsStatus": message.status, "ApiVersion": wire.API_VERSION}
    if message.service:
        params["MessagingServiceSid"] = message.service.sid
    if message.error_code:
        params["ErrorCode"] = str(message.error_code)
    post_form(url, "POST", params, f"twilio status {message.status} {message.sid}")


def post_form(url: str, method: str, params: dict[str, str], note: str) -> httpx.Response | None:
    """Send a webhook as Twilio does: POST with a form body, or GET with the parameters in the query;
    signed over the URL (and, for a POST, the parameters) with the account's Auth Token."""
    headers = {"User-Agent": "TwilioProxy/1.1", "I-Twilio-Idempotency-Token": str(uuid.uuid4())}
    if method == "POST":
        headers |= {"Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signing.signature(account.AUTH_TOKEN, url, params)}
        return post_event(url, urlencode(params).encode(), headers, note)
    url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    headers["X-Twilio-Signature"] = signing.signature(account.AUTH_TOKEN, url, {})
    return send_event("GET", url, headers, note, timeout=WEBHOOK_TIMEOUT)
