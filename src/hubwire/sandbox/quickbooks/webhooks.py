"""The notifications sandbox QuickBooks sends an app when something changes in a company it is
connected to (providers.md §2.6): the legacy {"eventNotifications": …} body, or, once the app has
switched on the new format, a JSON array of CloudEvents 1.0; either way signed with `intuit-signature`,
base64(HMAC-SHA256(verifier token, raw body)), no timestamp. A notification names ids only.

Each app's endpoint, verifier token and format are its webhook subscription (models.py); until a
test sets them, the endpoint is hubwire's receiver for "quickbooks" and the verifier token is the
sandbox's convention for the client id (sandbox/clients.py). Sent at once (Intuit's sandbox sends
near real time), not retried; the call log shows each delivery."""

import base64
import hashlib
import hmac
import json
import uuid

from hubwire.sandbox import clock
from hubwire.sandbox.clients import post_event, webhook_secret_for, webhook_url_for
from hubwire.sandbox.models import Token
from hubwire.sandbox.quickbooks import wire
from hubwire.sandbox.quickbooks.models import WebhookSubscription

# The operations a notification names, and their CloudEvents type verbs: qbo.<entity>.<verb>.v1 (providers.md §2.6)
VERBS = {"Create": "created", "Update": "updated", "Delete": "deleted", "Merge": "merged", "Void": "voided",
         "Emailed": "emailed"}
OPERATIONS = tuple(VERBS)


def signature(verifier_token: str, body: bytes) -> str:
    # Computed here, not with hubwire's integrations/signatures.py: the emulator plays Intuit, and a
    # client and emulator sharing one signing function would agree even when both were wrong.
    return base64.b64encode(hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()).decode()


def subscription(client_id: str) -> WebhookSubscription:
    found = WebhookSubscription.objects.filter(client_id=client_id).first()
    return found or WebhookSubscription(client_id=client_id, url=webhook_url_for("quickbooks"),
                                        verifier_token=webhook_secret_for(client_id))


def subscribe(client_id: str, *, url: str = "", verifier_token: str = "", cloudevents: bool | None = None):
    """What the app's owner sets on Intuit's webhooks page; fields left empty keep their value."""
    current = subscription(client_id)
    current.url = url or current.url
    current.verifier_token = verifier_token or current.verifier_token
    if cloudevents is not None:
        current.cloudevents = cloudevents
    current.save()
    return current


def apps_of(realm_id: str) -> set[str]:
    """Client ids of the apps connected to this company (a live token for its realm)."""
    return set(Token.objects.filter(server="intuit", subject__realm_id=realm_id, revoked_at=None)
               .values_list("client_id", flat=True))


def legacy_body(realm_id: str, changes: list[dict]) -> bytes:
    return json.dumps({"eventNotifications": [{"realmId": realm_id, "dataChangeEvent": {"entities": [
        {"name": c["name"], "id": c["id"], "operation": c["operation"], "lastUpdated": c["lastUpdated"]}
        for c in changes]}}]}).encode()


def cloudevents_body(client_id: str, realm_id: str, changes: list[dict]) -> bytes:
    source = "intuit." + base64.b64encode(hashlib.sha256(client_id.encode()).digest()[:18]).decode()
    return json.dumps([{
        "specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
        "type": f"qbo.{c['name'].lower()}.{VERBS[c['operation']]}.v1", "datacontenttype": "application/json",
        "time": clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "intuitentityid": c["id"],
        "intuitaccountid": realm_id, "data": {}} for c in changes]).encode()


def change(name: str, entity_id: str, operation: str, body: dict | None = None) -> dict:
    """One entity change as a notification names it; lastUpdated from the object when there is one."""
    updated = (body or {}).get("MetaData", {}).get("LastUpdatedTime") or wire.timestamp(clock.now())
    # The legacy payload writes the offset without a colon: 2015-10-05T14:42:19-0700 (providers.md §2.6)
    return {"name": name, "id": str(entity_id), "operation": operation, "lastUpdated": updated[:-3] + updated[-2:]}


def notify(realm_id: str, changes: list[dict]) -> list[dict]:
    """Send the changes to every app connected to the realm; what each endpoint answered."""
    delivered = []
    for client_id in sorted(apps_of(realm_id)):
        target = subscription(client_id)
        body = cloudevents_body(client_id, realm_id, changes) if target.cloudevents else legacy_body(realm_id,
                                                                                                     changes)
        headers = {"content-type": "application/json", "intuit-signature": signature(target.verifier_token, body),
                   "intuit_tid": str(uuid.uuid4()), "user-agent": "Intuit-Webhooks (sandbox)"}
        note = "qbo " + ", ".join(f"{c['name']} {c['id']} {c['operation']}" for c in changes)
        response = post_event(target.url, body, headers, note)
        delivered.append({"client_id": client_id, "status": response.status_code if response is not None else 0})
    return delivered
