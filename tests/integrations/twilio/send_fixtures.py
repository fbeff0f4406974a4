"""A workspace connected to the sandbox Twilio as its owner does it, for the sending tests: the Account
SID and Auth Token pasted over HTTP (checked against the sandbox), then a number chosen as the sender.

Until branch sms-connect's `twilio` fixture (tests/integrations/twilio/conftest.py) lands, the
sender is chosen here with config_update, as its tab will save it. Pacing is lifted here (1,000
segments a second) so that one test's texts never wait for another's on the shared sandbox number;
test_send_pacing.py puts it back to test it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pytest

from hubwire.events.models import Event
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection
from hubwire.integrations.signatures import twilio_signature
from hubwire.integrations.twilio.config import config_of, config_update
from hubwire.integrations.twilio.models import SmsMessage
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.models import Message
from tests.integrations.meetings import run_jobs

SENDER = "+12025550101"  # the sandbox account's number outside its Messaging Service
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"  # as the sandbox logs it (no host)
TIMEOUT = 60  # a busy machine is slow, not wrong


@dataclass
class ConnectedTwilio:
    connection: Connection
    sandbox: object
    sender: str = SENDER

    @property
    def workspace(self):
        return self.connection.workspace

    @property
    def config(self):
        self.connection.refresh_from_db()
        return config_of(self.connection)

    def control(self, action: str, **data) -> dict:
        return self.sandbox.control(action, **data)

    def advance(self, seconds: float = 0, everything: bool = False) -> int:
        """Time passes for the sandbox's messages in flight: their status callbacks are posted to hubwire."""
        return self.control("twilio-advance", seconds=seconds, everything=everything)["applied"]

    def sent(self) -> list[Message]:
        """What the sandbox Twilio holds, oldest first."""
        return list(Message.objects.exclude(direction="inbound").order_by("id"))

    def creates(self) -> list:
        """Every create hubwire made (POST …/Messages.json), whatever its answer."""
        return [c for c in self.sandbox.calls("api.twilio.com", MESSAGES_PATH) if c.method == "POST"]

    @property
    def callback_url(self) -> str:
        return connection_inbound_url(connection=self.connection)

    def post_callback(self, message: SmsMessage, status: str, *, error_code: str = "",
                      url: str = "") -> httpx.Response:
        """A status callback as Twilio posts it: form-encoded, signed with the account's Auth Token."""
        url = url or self.callback_url
        params = {"MessageSid": message.twilio_sid, "SmsSid": message.twilio_sid, "AccountSid": ACCOUNT_SID,
                  "From": self.sender, "To": message.conversation.phone, "MessageStatus": status,
                  "SmsStatus": status, "ApiVersion": "2010-04-01"}
        if error_code:
            params["ErrorCode"] = error_code
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(AUTH_TOKEN, url, params.items())}
        return httpx.post(url, content=urlencode(params), headers=headers, timeout=TIMEOUT)


def number_sid(sandbox, number: str) -> str:
    """The PN… id of one of the sandbox account's numbers, as Twilio lists it."""
    response = httpx.get(f"{sandbox.base_url}/sandbox/api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"
                         f"/IncomingPhoneNumbers.json", params={"PhoneNumber": number},
                         auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=TIMEOUT)
    response.raise_for_status()
    [found] = response.json()["incoming_phone_numbers"]
    return found["sid"]


def paste_credentials(client, workspace) -> Connection:
    response = client.post("/integrations/twilio/credentials/", {"mode": "", "account_sid": ACCOUNT_SID,
                                                                 "auth_token": AUTH_TOKEN})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Connection.objects.get(workspace=workspace, provider="twilio")


@pytest.fixture
def twilio(sandbox, owner_client, workspace, settings) -> ConnectedTwilio:
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = 1000
    connection = paste_credentials(owner_client, workspace)
    config_update(connection, sender_kind="number", sender=SENDER, sender_label="(202) 555-0101",
                  sender_sid=number_sid(sandbox, SENDER))
    return ConnectedTwilio(connection, sandbox)


def events_of(workspace, *types: str) -> list[str]:
    """The SMS events recorded in the workspace, oldest first (each "type:message id")."""
    found = Event.objects.filter(workspace=workspace, type__in=types or ("sms.sent", "sms.delivered", "sms.failed"))
    return [f"{e.type}:{e.data['id']}" for e in found.order_by("occurred_at")]


def send_and_run(client, **form) -> SmsMessage:
    """Send from the composer, as a person does, then let the worker send it."""
    response = client.post("/integrations/twilio/compose/send/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    message = SmsMessage.objects.order_by("-id").first()
    run_jobs()
    message.refresh_from_db()
    return message
