"""Delivering webhooks: claim due deliveries, send them concurrently, record every attempt.

At least once: a delivery is claimed with a lease; if the worker dies mid-send, the lease runs out
and another run sends it again, with the same webhook-id and body. Success is a 2xx; anything else,
3xx included (redirects are not followed), is a failure retried on Svix's schedule with jitter;
429, 502 and 504 wait at least what Retry-After says; 410 Gone disables the endpoint; an endpoint
that has failed for 5 days is disabled and its workspace told (docs.svix.com/retries, providers.md §7)."""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hubwire.core.redaction import scrub
from hubwire.core.retry_after import retry_after_seconds
from hubwire.webhooks import notices
from hubwire.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint
from hubwire.webhooks.signing import signature_header
from hubwire.webhooks.ssrf import GuardedResolver, Refused, address_problem, allow_private, literal_host

log = logging.getLogger(__name__)

# Seconds to wait after the 1st…7th failed attempt; the 8th failure is final (docs.svix.com/retries).
SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
MAX_ATTEMPTS = len(SCHEDULE) + 1
THROTTLED = {429, 502, 504}
MAX_RETRY_AFTER = 24 * 3600
LEASE = timedelta(minutes=2)
EXCERPT_BYTES = 2048
DISABLE_AFTER = timedelta(days=5)
MASK = "••••"


@dataclass
class Outgoing:
    delivery_id: int
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
        status=DeliveryStatus.SENDING, locked_until=now + LEASE, claim=token, attempts=F("attempts") + 1)
    return list(Delivery.objects.filter(claim=token, status=DeliveryStatus.SENDING).select_related("endpoint"))


def prepare(delivery: Delivery, now=None) -> Outgoing:
    endpoint = delivery.endpoint
    now = now or timezone.now()
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
    elif (host := literal_host(endpoint.url)) and not allow_private() and (problem := address_problem(host)):
        refused = f"hubwire does not send webhooks to internal addresses: {problem}"
    return Outgoing(delivery.pk, endpoint.url, body, headers, refused)


def masked(endpoint: Endpoint, headers: dict) -> dict:
    custom = {name.lower() for name in (endpoint.headers or {})}
    return {k: (MASK if k.lower() in custom else v) for k, v in headers.items()}


async def send_all(items: list[Outgoing], *, concurrency: int, timeout: float) -> list[Outcome]:
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(), limit=concurrency)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        return await asyncio.gather(*(_send(session, item, timeout) for item in items))


async def _send(session: aiohttp.ClientSession, item: Outgoing, timeout: float) -> Outcome:
    outcome = Outcome(started_at=timezone.now())
    if item.refused:
        outcome.error = item.refused
        return outcome
    started = time.monotonic()
    try:
        async with session.post(item.url, data=item.body, headers=item.headers, allow_redirects=False) as response:
            outcome.status = response.status
            outcome.headers = dict(list(response.headers.items())[:50])
            outcome.excerpt = (await response.content.read(EXCERPT_BYTES)).decode("utf-8", "replace")
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
            outcome.retry_after = None if retry_after is None else min(retry_after, MAX_RETRY_AFTER)
    except Refused as exc:  # from the resolver: aiohttp wraps only OSErrors, so it arrives as raised
        outcome.error = str(exc)
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


def record(delivery: Delivery, item: Outgoing, outcome: Outcome) -> None:
    """Write the attempt and what follows from it, in one transaction."""
    endpoint, now = delivery.endpoint, timezone.now()
    with transaction.atomic():
        Attempt.objects.create(delivery=delivery, number=delivery.attempts, started_at=outcome.started_at,
                               duration_ms=outcome.duration_ms, request_headers=masked(endpoint, item.headers),
                               response_status=outcome.status, response_headers=outcome.headers,
                               response_excerpt=outcome.excerpt, error=scrub(outcome.error)[:2000])
        succeeded = outcome.status is not None and 200 <= outcome.status < 300
        update = {"locked_until": None, "claim": "", "last_status_code": outcome.status,
                  "last_error": "" if succeeded else _failure_words(outcome)}
        if succeeded:
            update.update(status=DeliveryStatus.SUCCEEDED, delivered_at=now)
            Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None, last_success_at=now)
        elif outcome.status == 410 or not endpoint.enabled or delivery.attempts >= MAX_ATTEMPTS:
            update["status"] = DeliveryStatus.FAILED
        else:
            update.update(status=DeliveryStatus.PENDING,
                          next_attempt_at=now + timedelta(seconds=_next_delay(delivery.attempts, outcome)))
        Delivery.objects.filter(pk=delivery.pk).update(**update)
        if not succeeded and endpoint.enabled:
            _endpoint_failed(endpoint, outcome, now)


def _failure_words(outcome: Outcome) -> str:
    if outcome.status is None:
        return outcome.error
    if 300 <= outcome.status < 400:
        return f"answered {outcome.status} (a redirect, which is not followed: use the final URL)"
    return f"answered {outcome.status}"


def _endpoint_failed(endpoint: Endpoint, outcome: Outcome, now) -> None:
    if outcome.status == 410:
        notices.endpoint_disabled(endpoint, "it answered 410 Gone (the receiver no longer wants these webhooks)")
        return
    failing_since = endpoint.failing_since or now
    if endpoint.failing_since is None:
        Endpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=now)
    if now - failing_since >= DISABLE_AFTER:
        notices.endpoint_disabled(endpoint, f"every delivery has failed since {failing_since:%Y-%m-%d %H:%M} UTC")


def run_once(limit: int = 200) -> int:
    """Claim one batch, send it, record it. Returns how many were sent."""
    batch = claim(limit)
    if not batch:
        return 0
    items = [prepare(delivery) for delivery in batch]
    outcomes = asyncio.run(send_all(items, concurrency=settings.HUBWIRE_WEBHOOKS_CONCURRENCY,
                                    timeout=settings.HUBWIRE_WEBHOOKS_TIMEOUT))
    for delivery, item, outcome in zip(batch, items, outcomes):
        record(delivery, item, outcome)
    return len(batch)
