"""Deleting an endpoint, with its delivery log, in the audit log: asked for by a person (the pages,
the API, Zapier unsubscribing, through services) or by delivery, when a Zapier subscription's target
answers 410 Gone. Both sides import it from here, so delivery does not depend on services."""

from django.db import transaction

from hubwire.core.audit import audit_record
from hubwire.webhooks.models import Endpoint


def endpoint_delete(*, endpoint: Endpoint, actor=None, why: str = "") -> None:
    """Delete an endpoint with its delivery log; what was pending is never sent."""
    with transaction.atomic():
        audit_record(workspace=endpoint.workspace, action="webhook_endpoint_deleted", subject=endpoint.url[:200],
                     actor=actor, detail=why)
        endpoint.delete()
