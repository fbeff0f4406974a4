"""One receiver for every provider's webhooks (providers.md §9).

Verify the signature (and the timestamp, where the provider sends one) before anything is written;
store each event the request carries once, unique by (provider, event id), all in one transaction;
answer 2xx at once; let a worker process them. A duplicate is acknowledged and not processed again.
A request comes either on the provider's one URL for the installation (/integrations/<key>/events/)
or on a connection's own (…/events/<token>/, inbound_urls.py), whose pasted secrets then sign it."""

from __future__ import annotations

import hashlib
import logging
import time
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from hubwire.core.redaction import scrub
from hubwire.core.strict_json import BadJson, parse_json
from hubwire.core.text import text_problem
from hubwire.integrations.models import Connection, InboundEvent
from hubwire.integrations.registry import PROVIDERS, InboundDelivery, InboundRejected, InboundRequest
from hubwire.jobs.registry import job_handler
from hubwire.jobs.runner import enqueue

log = logging.getLogger(__name__)

# Kept with every event whatever the provider; a provider adds its own in `inbound_headers`.
ALWAYS_KEPT_HEADERS = ("content-type", "user-agent")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def receive(request: HttpRequest, provider, *, connection: Connection | None = None) -> HttpResponse:
    try:
        if provider.inbound_on_connection_url and connection is None:
            tab = provider.tab_label or provider.name
            raise InboundRejected(f"{provider.name} sends to each connection's own URL, shown on the {tab} tab, "
                                  "not to this one", status=404)
        inbound = inbound_request(request, connection)
        verdict = provider.verify_inbound(inbound)
        if isinstance(verdict, HttpResponse):
            return verdict
        deliveries = list(verdict)
        rows = [_event_row(provider, inbound, delivery, len(deliveries)) for delivery in deliveries]
    except InboundRejected as exc:
        log.warning("rejected %s event: %s", provider.key, scrub(exc.reason))
        return JsonResponse({"error": exc.reason}, status=exc.status)
    duplicates = _store(rows)
    answer = provider.inbound_answer(inbound, stored=len(rows) - duplicates, duplicates=duplicates)
    if answer is not None:
        return answer
    if len(rows) > 1:
        return JsonResponse({"received": True, "events": len(rows), "duplicates": duplicates})
    return JsonResponse({"received": True, "duplicate": True} if duplicates else {"received": True})


def inbound_request(request: HttpRequest, connection: Connection | None = None) -> InboundRequest:
    """What a verifier sees. The URL is rebuilt from HUBWIRE_BASE_URL, as every link hubwire gives
    out is, so a forged Host header cannot change what a signature is checked against."""
    body = request.body
    form: tuple[tuple[str, str], ...] = ()
    if request.content_type == FORM_CONTENT_TYPE:
        try:
            form = tuple(parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                   max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
        except UnicodeDecodeError:
            raise InboundRejected("form body refused: not UTF-8", status=400) from None
        except ValueError:
            raise InboundRejected(f"form body refused: more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} "
                                  "fields", status=400) from None
    return InboundRequest(url=settings.HUBWIRE_BASE_URL + request.get_full_path(), headers=request.headers,
                          body=body, form=form, connection=connection)


def _event_row(provider, inbound: InboundRequest, delivery: InboundDelivery, count: int) -> InboundEvent:
    """The unsaved row for one delivery. Without an id from the verifier, the event is known by its
    body's hash, which only works for a request carrying one event in a body that says something:
    every empty Google push would look like the first, and a batch's events would be one."""
    body = delivery.body or inbound.body.decode("utf-8", "replace")
    event_id = delivery.event_id
    if not event_id:
        if count > 1 or not body.strip():
            raise ValueError(f"{provider.key}.verify_inbound must give an event id for a request "
                             f"{'carrying several events' if count > 1 else 'with an empty body'}")
        event_id = hashlib.sha256(inbound.body).hexdigest()
    if problem := text_problem(body):
        raise InboundRejected(f"body refused: it {problem}", status=400)
    kept = ALWAYS_KEPT_HEADERS + tuple(name.lower() for name in provider.inbound_headers)
    headers = {k: v for k, v in inbound.headers.items() if k.lower() in kept}
    return InboundEvent(provider=provider.key, event_id=event_id[:200], event_type=delivery.event_type[:120],
                        account_ref=delivery.account_ref[:200], connection=inbound.connection, headers=headers,
                        body=body)


def _store(rows: list[InboundEvent]) -> int:
    """Save every new event and wake a worker for each, in one transaction; returns how many were
    duplicates (of an earlier request or of each other), which are acknowledged and not stored."""
    duplicates = 0
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():  # a savepoint: one duplicate does not undo the others
                    row.save(force_insert=True)
            except IntegrityError:
                duplicates += 1
                continue
            enqueue(row)
    return duplicates


@job_handler(InboundEvent)
def process(event: InboundEvent) -> None:
    """Runs in a worker, inside the job's transaction."""
    provider = PROVIDERS[event.provider]
    event.outcome = provider.handle_event(event)[:2000]
    InboundEvent.objects.filter(pk=event.pk).update(outcome=event.outcome)


def connections_for(provider, account_ref: str):
    """The connections an event is about (a provider account may be connected to more than one workspace)."""
    if not account_ref:
        return Connection.objects.none()
    return Connection.objects.filter(provider=provider.key, external_account_id=account_ref).select_related("workspace")


# --- checks shared by verifiers (the signature styles are in signatures.py) --------------------

def check_timestamp(timestamp: str, tolerance: int, *, now: float | None = None) -> int:
    """An integer unix timestamp within `tolerance` seconds of now, or InboundRejected."""
    try:
        value = int(timestamp)
    except (TypeError, ValueError):
        raise InboundRejected("missing or malformed timestamp", status=400) from None
    if abs((now or time.time()) - value) > tolerance:
        raise InboundRejected("timestamp outside the tolerance window (a replay, or a clock far off)", status=400)
    return value


def json_body(body: bytes) -> dict:
    try:
        payload = parse_json(body)
    except BadJson as exc:
        raise InboundRejected(f"body refused: {exc}", status=400) from None
    if not isinstance(payload, dict):
        raise InboundRejected("body is not a JSON object", status=400)
    return payload
