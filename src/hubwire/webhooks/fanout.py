"""One Delivery row per (event, endpoint that wants it), written in emit()'s transaction."""

import logging

from django.db import transaction

from hubwire.webhooks.models import Delivery, Endpoint
from hubwire.webhooks.payloads import body_for
from hubwire.webhooks.signing import new_webhook_id

log = logging.getLogger(__name__)


def fan_out(event) -> int:
    endpoints = [e for e in Endpoint.objects.filter(workspace_id=event.workspace_id, enabled=True)
                 if e.wants(event.type)]
    if not endpoints:
        return 0
    Delivery.objects.bulk_create([
        Delivery(workspace_id=event.workspace_id, endpoint=endpoint, event=event, webhook_id=new_webhook_id(),
                 body=body_for(endpoint.preset, event).decode()) for endpoint in endpoints])
    transaction.on_commit(wake_dispatcher)
    return len(endpoints)


def wake_dispatcher() -> None:
    from hubwire.webhooks.tasks import dispatch

    try:
        dispatch.delay()
    except Exception as exc:  # broker down: the rows are safe and wait for beat's next dispatch tick
        log.warning("could not wake the webhook dispatcher (%s); beat will", exc)
