"""Intuit's webhook notifications for one connection (providers.md §2.6).

They arrive on the connection's own URL (/integrations/quickbooks/events/<token>/, inbound_urls.py),
because each business signs them with the verifier token of its own Intuit app: `intuit-signature`
is base64(HMAC-SHA256(verifier token, raw body)), checked before anything is stored. The body is
either the legacy {"eventNotifications": [...]} object or, once the app switched, a JSON array of
CloudEvents; each entity change becomes one stored event.

A notification names ids only, and Intuit may send them late, twice or out of order, so hubwire does
not act on its content: it queues one read of QuickBooks' changes (changes.py, coalesced however many
notifications come), which fetches the objects themselves."""

from __future__ import annotations

import hashlib
import json

from hubwire.core.strict_json import BadJson, parse_json
from hubwire.integrations.quickbooks import changes
from hubwire.integrations.quickbooks.config import enabled_connection
from hubwire.integrations.registry import InboundDelivery, InboundRejected, InboundRequest
from hubwire.integrations.signatures import intuit_signature, signatures_equal
from hubwire.sync.models import Trigger

# Legacy operations and the verbs of CloudEvents types (qbo.<entity>.<verb>.v1), providers.md §2.6.
VERBS = {"Create": "created", "Update": "updated", "Delete": "deleted", "Merge": "merged", "Void": "voided",
         "Emailed": "emailed"}
OPERATIONS = {verb: operation for operation, verb in VERBS.items()}
# InboundEvent.event_id's column; a longer derived id is kept as its hash.
EVENT_ID_MAX = 200


def verify(request: InboundRequest) -> list[InboundDelivery]:
    connection = request.connection
    token = (connection.credentials or {}).get("verifier_token", "")
    if not token:
        raise InboundRejected("no webhook verifier token is saved for this QuickBooks connection: paste the verifier "
                              "token from your Intuit app's Webhooks page on hubwire's QuickBooks tab", status=401)
    if not signatures_equal(intuit_signature(token, request.body), request.headers.get("intuit-signature")):
        raise InboundRejected("intuit-signature does not match this connection's verifier token", status=401)
    try:
        payload = parse_json(request.body)
    except BadJson as exc:
        raise InboundRejected(f"body refused: {exc}", status=400) from None
    if isinstance(payload, list):
        return [_cloudevent(connection.pk, event, n) for n, event in enumerate(payload)]
    if isinstance(payload, dict) and isinstance(payload.get("eventNotifications"), list):
        return _legacy(connection.pk, payload["eventNotifications"])
    raise InboundRejected("body is neither Intuit's {\"eventNotifications\": [...]} nor a CloudEvents array",
                          status=400)


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InboundRejected(f"{where} is missing or not text", status=400)
    return value


def _event_id(connection_id: int, *parts: str) -> str:
    """Unique per connection: Intuit's ids are its own, and one company may be connected to two
    workspaces, each of which must get the notification once."""
    event_id = ":".join((str(connection_id), *parts))
    return event_id if len(event_id) <= EVENT_ID_MAX else hashlib.sha256(event_id.encode()).hexdigest()


def _cloudevent(connection_id: int, event, n: int) -> InboundDelivery:
    if not isinstance(event, dict):
        raise InboundRejected(f"[{n}] is not a CloudEvent object", status=400)
    event_id = _text(event.get("id"), f"[{n}].id")
    return InboundDelivery(event_id=_event_id(connection_id, event_id), event_type=_text(event.get("type"), f"[{n}].type"),
                           account_ref=str(event.get("intuitaccountid") or ""), body=json.dumps(event))


def _legacy(connection_id: int, notifications: list) -> list[InboundDelivery]:
    """One delivery per entity change, known by what it says (realm, entity, id, operation, lastUpdated),
    so that Intuit repeating a notification is a duplicate while a later change of the object is not."""
    deliveries = []
    for n, notification in enumerate(notifications):
        if not isinstance(notification, dict):
            raise InboundRejected(f"eventNotifications[{n}] is not an object", status=400)
        realm_id = _text(notification.get("realmId"), f"eventNotifications[{n}].realmId")
        entities = (notification.get("dataChangeEvent") or {}).get("entities") or []
        if not isinstance(entities, list):
            raise InboundRejected(f"eventNotifications[{n}].dataChangeEvent.entities is not a list", status=400)
        for m, entity in enumerate(entities):
            where = f"eventNotifications[{n}].dataChangeEvent.entities[{m}]"
            if not isinstance(entity, dict):
                raise InboundRejected(f"{where} is not an object", status=400)
            name, entity_id, operation = (_text(entity.get(key), f"{where}.{key}") for key in ("name", "id", "operation"))
            updated = str(entity.get("lastUpdated") or "")
            verb = VERBS.get(operation, operation.lower())
            deliveries.append(InboundDelivery(
                event_id=_event_id(connection_id, realm_id, name, entity_id, operation, updated),
                event_type=f"qbo.{name.lower()}.{verb}.v1", account_ref=realm_id,
                body=json.dumps({"realmId": realm_id, "dataChangeEvent": {"entities": [entity]}})))
    return deliveries


def what_changed(event) -> tuple[str, str, str]:
    """(entity name, id, operation) of a stored event, whichever format it came in."""
    body = json.loads(event.body)
    if "dataChangeEvent" in body:
        [entity] = body["dataChangeEvent"]["entities"]
        return entity["name"], entity["id"], entity["operation"]
    _, entity, verb = (event.event_type.split(".") + ["", "", ""])[:3]
    return entity.capitalize(), str(body.get("intuitentityid", "")), OPERATIONS.get(verb, verb.capitalize())


def handle(event) -> str:
    """Queue a read of QuickBooks' changes for a notification about what hubwire follows."""
    name, entity_id, operation = what_changed(event)
    about = f"{name} {entity_id} {operation}".strip()
    connection = event.connection
    if connection is None:
        return f"ignored ({about}): the QuickBooks connection it came for no longer exists"
    if event.account_ref != connection.external_account_id:
        return (f"ignored ({about}): it is about QuickBooks company {event.account_ref or '(none)'}, not the "
                f"connected company {connection.external_account_id}")
    if enabled_connection(connection.workspace) is None:
        return f"ignored ({about}): QuickBooks is not connected, or the integration is turned off"
    if name not in changes.ENTITIES:
        return f"ignored ({about}): hubwire does not follow QuickBooks {name} changes"
    changes.queue(connection.workspace, trigger=Trigger.WEBHOOK)
    return f"{about}: queued a read of QuickBooks' changes"
