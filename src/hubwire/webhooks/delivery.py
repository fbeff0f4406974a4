"""Delivering webhooks: claim due deliveries, send them concurrently, record every attempt.

At least once: a delivery is claimed with a lease; if the worker dies mid-send, the lease runs out
and another run sends it again, with the same webhook-id and body. Success is a 2xx; anything else,
3xx included (redirects are not followed), is a failure retried on Svix's schedule with jitter;
429, 502 and 504 wait at least what Retry-After says; 410 Gone disables the endpoint; an endpoint
that has failed for 5 days is disabled and its workspace told (docs.svix.com/retries, providers.md §7)."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hubwire.core.redaction import scrub
from hubwire.core.retry_after import retry_after_seconds
from hubwire.webhooks import notices
from hubwire.webhooks.fanout import fan_out_pending
from hubwire.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, Source
from hubwire.webhooks.removal import endpoint_delete
from hubwire.webhooks.signing import signature_header
from hubwire.webhooks.ssrf import GuardedResolver, Refused, allow_private, guarded_socket

log = logging.getLogger(__name__)

# Seconds to wait after the 1st…7th failed attempt; the 8th failure is final (docs.svix.com/retries).
SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
MAX_ATTEMPTS = len(SCHEDULE) + 1
THROTTLED = {429, 502, 504}
MAX_RETRY_AFTER = 24 * 3600
EXCERPT_BYTES = 2048
DISABLE_AFTER = timedelta(days=5)
MASK = "••••"


@dataclass
class Outgoing:
    url: str
    body: bytes
    headers: dict
    refused: str = ""


@dataclass
class Outcome:
    started_at: object
    duration_ms: int = 0
    status: int | None = None
    headers: dict = field(default_factory=dict)
    excerpt: str = ""
    error: str = ""
    retry_after: float | None = None


def _runnable(now) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(status=DeliveryStatus.SENDING,
                                                                          locked_until__lt=now)


def claim(limit: int) -> list[Delivery]:
    """Take up to `limit` due deliveries (or ones whose sender died) for this run alone."""
    now, token = timezone.now(), secrets.token_hex(8)
    ids = list(Delivery.objects.filter(_runnable(now)).order_by("next_attempt_at")
               .values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    Delivery.objects.filter(pk__in=ids).filter(_runnable(now)).update(
        status=DeliveryStatus.SENDING, locked_until=now + timedelta(seconds=settings.HUBWIRE_WEBHOOKS_LEASE_SECONDS),
        claim=token, attempts=F("attempts") + 1)
    batch = list(Delivery.objects.filter(claim=token, status=DeliveryStatus.SENDING))
    # Each endpoint read (and its secrets decrypted) once per batch, not once per delivery.
    endpoints = Endpoint.objects.in_bulk({d.endpoint_id for d in batch})
    kept = [d for d in batch if d.endpoint_id in endpoints]
    for delivery in kept:
        delivery.endpoint = endpoints[delivery.endpoint_id]
    return kept


def prepare(delivery: Delivery) -> Outgoing:
    endpoint, now = delivery.endpoint, timezone.now()
    in_use = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        in_use.append(endpoint.previous_secret)
    timestamp = int(time.time())
    body = delivery.body.encode()
    headers = {**(endpoint.headers or {}), "content-type": "application/json",
               "user-agent": "hubwire-webhooks/0.1", "webhook-id": delivery.webhook_id,
               "webhook-timestamp": str(timestamp),
               "webhook-signature": signature_header(in_use, delivery.webhook_id, timestamp, body)}
    refused = ""
    if not endpoint.enabled:
        refused = f"the endpoint is disabled{': ' + endpoint.disabled_reason if endpoint.disabled_reason else ''}"
    return Outgoing(endpoint.url, body, headers, refused)


def masked(endpoint: Endpoint, headers: dict) -> dict:
    custom = {name.lower() for name in (endpoint.headers or {})}
    return {k: (MASK if k.lower() in custom else v) for k, v in headers.items()}


class Sender:
    """One event loop and one aiohttp session per process, kept between batches so connections to
    receivers stay open (a new loop and session per batch cost a third of the throughput). Made
    again after a fork (Celery's pool) or when the SSRF setting changes (no connection opened under
    one setting is reused under the other)."""

    _current: "Sender | None" = None

    def __init__(self):
        self.pid, self.allow_private = os.getpid(), allow_private()
        self.loop = asyncio.new_event_loop()
        self.session = None

    @classmethod
    def get(cls) -> "Sender":
        current = cls._current
        if current is None or current.pid != os.getpid() or current.allow_private != allow_private():
            if current is not None and current.pid == os.getpid():
                current.close()
            cls._current = current = cls()
        return current

    def send(self, items: list[Outgoing], *, concurrency: int, timeout: float) -> list[Outcome]:
        return self.loop.run_until_complete(self._send_all(items, concurrency, timeout))

    async def _send_all(self, items, concurrency, timeout) -> list[Outcome]:
        if self.session is None:
            # No connector limit: the semaphore below bounds concurrency per batch.
            # The SSRF guard judges names in the resolver and every address connected to in the socket factory.
            self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(
                resolver=GuardedResolver(), socket_factory=guarded_socket, limit=0))
        # The timeout is the receiver's: it starts when a request gets one of the `concurrency` slots,
        # not while it waits for one behind a batch of others.
        slots = asyncio.Semaphore(concurrency)
        return await asyncio.gather(*(_send(self.session, slots, item, timeout) for item in items))

    def close(self) -> None:
        if self.session is not None:
            self.loop.run_until_complete(self.session.close())
        self.loop.close()


async def _send(session: aiohttp.ClientSession, slots: asyncio.Semaphore, item: Outgoing, timeout: float) -> Outcome:
    async with slots:
        outcome = Outcome(started_at=timezone.now())
        if item.refused:
            outcome.error = item.refused
            return outcome
        started = time.monotonic()
        try:
            async with session.post(item.url, data=item.body, headers=item.headers, allow_redirects=False,
                                    timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                outcome.status = response.status
                outcome.headers = dict(list(response.headers.items())[:50])
                outcome.excerpt = (await response.content.read(EXCERPT_BYTES)).decode("utf-8", "replace")
                retry_after = retry_after_seconds(response.headers.get("retry-after"))
                outcome.retry_after = None if retry_after is None else min(retry_after, MAX_RETRY_AFTER)
        except aiohttp.ClientConnectorError as exc:
            refused = isinstance(exc.os_error, Refused)  # the SSRF guard's, in its own words
            outcome.error = str(exc.os_error) if refused else f"{type(exc).__name__}: {exc}"
        except TimeoutError:
            outcome.error = f"no answer within {timeout:g} s"
        except aiohttp.ClientError as exc:
            outcome.error = f"{type(exc).__name__}: {exc}"
        outcome.duration_ms = int((time.monotonic() - started) * 1000)
        return outcome


def _next_delay(attempt: int, outcome: Outcome) -> float:
    delay = SCHEDULE[attempt - 1] * random.uniform(0.8, 1.2)
    if outcome.status in THROTTLED and outcome.retry_after is not None:
        delay = max(delay, outcome.retry_after)
    return delay


def _attempt(delivery: Delivery, item: Outgoing, outcome: Outcome) -> Attempt:
    return Attempt(delivery=delivery, number=delivery.attempts, started_at=outcome.started_at,
                   duration_ms=outcome.duration_ms, request_headers=masked(delivery.endpoint, item.headers),
                   response_status=outcome.status, response_headers=outcome.headers,
                   response_excerpt=outcome.excerpt, error=scrub(outcome.error)[:2000])


def _succeeded(outcome: Outcome) -> bool:
    return outcome.status is not None and 200 <= outcome.status < 300


def record_all(sent: list[tuple[Delivery, Outgoing, Outcome]]) -> None:
    """Write a batch's attempts and what follows from them in one transaction: a handful of
    statements for the usual all-2xx batch, rather than a transaction per delivery. If an endpoint
    was deleted meanwhile, the batch falls back to one transaction per delivery and skips its rows."""
    try:
        with transaction.atomic():
            Attempt.objects.bulk_create([_attempt(*one) for one in sent])
            _settle(sent, timezone.now())
    except IntegrityError:
        for one in sent:
            try:
                with transaction.atomic():
                    _attempt(*one).save()
                    _settle([one], timezone.now())
            except IntegrityError:
                log.info("delivery %s: its endpoint is gone; nothing to record", one[0].pk)


def _settle(sent, now) -> None:
    delivered, healthy = defaultdict(list), set()
    for delivery, _, outcome in sent:
        if _succeeded(outcome):
            delivered[outcome.status].append(delivery.pk)
            healthy.add(delivery.endpoint_id)
        else:
            _failed(delivery, outcome, now)
    for status, ids in delivered.items():
        Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SUCCEEDED, delivered_at=now, locked_until=None,
                                                   claim="", last_status_code=status, last_error="")
    if healthy:
        Endpoint.objects.filter(pk__in=healthy).update(failing_since=None, last_success_at=now)


def _failed(delivery: Delivery, outcome: Outcome, now) -> None:
    """Retry on the schedule, or fail for good (410, a disabled endpoint, the 8th attempt). A REST
    hook subscription whose target answers 410 is deleted (Zapier's unsubscribe signal)."""
    endpoint = delivery.endpoint
    update = {"locked_until": None, "claim": "", "last_status_code": outcome.status,
              "last_error": _failure_words(outcome)}
    if outcome.status == 410 or not endpoint.enabled or delivery.attempts >= MAX_ATTEMPTS:
        update["status"] = DeliveryStatus.FAILED
    else:
        update.update(status=DeliveryStatus.PENDING,
                      next_attempt_at=now + timedelta(seconds=_next_delay(delivery.attempts, outcome)))
    Delivery.objects.filter(pk=delivery.pk).update(**update)
    if endpoint.enabled:
        _endpoint_failed(endpoint, outcome, now)


def _failure_words(outcome: Outcome) -> str:
    if outcome.status is None:
        return outcome.error
    if 300 <= outcome.status < 400:
        return f"answered {outcome.status} (a redirect, which is not followed: use the final URL)"
    return f"answered {outcome.status}"


def _endpoint_failed(endpoint: Endpoint, outcome: Outcome, now) -> None:
    # A batch's deliveries share their endpoint's instance, so what an earlier failure in the batch
    # did to it (deleted, disabled, failing since) is seen by the next one.
    if endpoint.pk is None:
        return  # a 410 earlier in this batch deleted the subscription
    if outcome.status == 410 and endpoint.source == Source.REST_HOOK:
        endpoint_delete(endpoint=endpoint, why="its target answered 410 Gone (the Zap was turned off or deleted)")
        return
    if outcome.status == 410:
        notices.endpoint_disabled(endpoint, "it answered 410 Gone (the receiver no longer wants these webhooks)")
        return
    failing_since = endpoint.failing_since or now
    if endpoint.failing_since is None:
        Endpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=now)
        endpoint.failing_since = now
    if now - failing_since >= DISABLE_AFTER:
        notices.endpoint_disabled(endpoint, f"every delivery has failed since {failing_since:%Y-%m-%d %H:%M} UTC")


def run_once(limit: int = 200) -> int:
    """One turn of the dispatcher: the deliveries of events committed since the last turn written
    (fanout.py), then one batch claimed, sent and recorded. Returns how many were sent."""
    fan_out_pending()
    batch = claim(limit)
    if not batch:
        return 0
    items = [prepare(delivery) for delivery in batch]
    outcomes = Sender.get().send(items, concurrency=settings.HUBWIRE_WEBHOOKS_CONCURRENCY,
                                 timeout=settings.HUBWIRE_WEBHOOKS_TIMEOUT)
    record_all(list(zip(batch, items, outcomes)))
    return len(batch)
