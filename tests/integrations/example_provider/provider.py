"""The integrations side: a pasted API key (checked against the provider's account endpoint) and
a webhook signing secret pasted per workspace; events arrive on the connection's own URL; a
schedule pulls changed contacts every 15 minutes, from where the last clean pass stopped."""

import json

import httpx

from hubwire.integrations.http import raise_for_status
from hubwire.integrations.inbound import json_body
from hubwire.integrations.models import Connection
from hubwire.integrations.registry import AuthKind, CredentialField, InboundDelivery, InboundRejected, Provider
from hubwire.integrations.signatures import hmac_hex, signatures_equal
from hubwire.integrations.tokens import connection_client
from hubwire.sync.cursors import cursor_pass
from hubwire.sync.models import Trigger
from hubwire.sync.rules import Every, ScheduleSpec
from hubwire.sync.runs import sync_run

KEY = "example"


class BearerKey(httpx.Auth):
    """Example CRM takes its API key as a Bearer token (neither OAuth nor HTTP Basic)."""

    def __init__(self, api_key: str):
        self.api_key = api_key

    def auth_flow(self, request):
        request.headers["Authorization"] = f"Bearer {self.api_key}"
        yield request


class ExampleProvider(Provider):
    """Not @register-ed: installed.py registers it only while its tests run."""

    key = KEY
    name = "Example CRM"
    summary = "A test-only provider, defined in one test folder."
    auth_kind = AuthKind.CREDENTIALS
    built = True
    hosts = {"api": "https://api.example-crm.test"}
    credential_fields = (
        CredentialField("api_key", "API key", r"exk_[0-9a-f]{32}",
                        "starts with exk_ followed by 32 hexadecimal characters (Example CRM, Settings, API)."),
        CredentialField("webhook_secret", "Webhook signing secret", r"whsec_[0-9a-f]{32}",
                        "starts with whsec_ followed by 32 hexadecimal characters (Example CRM, Settings, Webhooks)."),
    )
    schedules = (ScheduleSpec("example.pull", "Pull changed contacts from Example CRM", Every(15)),)
    inbound_headers = ("x-example-event-id", "x-example-signature")
    inbound_on_connection_url = True

    def verify_credentials(self, credentials: dict, client) -> str:
        response = client.get(self.url("api", "/v1/account"),
                              headers={"Authorization": f"Bearer {credentials['api_key']}"})
        return raise_for_status(self, response).json()["name"]

    def client_auth(self, connection: Connection) -> httpx.Auth:
        return BearerKey(connection.credentials["api_key"])

    def verify_inbound(self, request) -> list[InboundDelivery]:
        """Signed with the secret this workspace pasted, so only its own URL can carry events."""
        secret = request.connection.credentials.get("webhook_secret", "")
        if not signatures_equal(hmac_hex(secret, request.body), request.headers.get("x-example-signature", "")):
            raise InboundRejected("signature does not match", status=401)
        payload = json_body(request.body)
        return [InboundDelivery(event_id=request.headers.get("x-example-event-id", ""),
                                event_type=str(payload.get("type", "")))]

    def handle_event(self, event) -> str:
        return f"{event.event_type}: {json.loads(event.body).get('email', '')}"


def pull_changes(schedule) -> str:
    """The schedule's pass: contacts changed since the cursor, recorded as a sync run."""
    connection = Connection.objects.get(workspace=schedule.workspace, provider=KEY)
    provider = ExampleProvider()
    with sync_run(workspace=schedule.workspace, provider=KEY, what="contacts", trigger=Trigger.SCHEDULE) as run, \
            cursor_pass(schedule.workspace, KEY, "contacts", run=run) as cursor, \
            connection_client(provider, connection) as client:
        page = raise_for_status(provider, client.get(provider.url("api", "/v1/contacts/changes"),
                                                     params={"since": cursor.position or "0"})).json()
        run.updated += len(page["changes"])
        cursor.advance(str(page["next_since"]))
    return f"{run.updated} contact(s) changed"

