"""A workspace connected to the sandbox Twilio over real HTTP, as its owner does it on the SMS tab:
paste the Account SID and Auth Token (checked with Twilio), then choose what sends.

- `twilio_connected`: the credentials pasted, no sender chosen yet (the card is orange).
- `twilio`: the same, with the account's number BARE (+12025550101, in no Messaging Service) chosen
  to send, and its inbound URL set to the connection's own, so a text to it reaches hubwire.

Both stop the sandbox clock at MORNING: time passes for messages in flight only when a test says so
(`.advance(seconds)`), and a status changes only then. Use `.control(action, **data)` for the other
sandbox hooks (twilio-fail-next, …), `.text_in(body)` for a person texting the sender."""

from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from django.test import Client

from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.twilio.config import SmsConfig, config_of
from hubwire.sandbox import clock
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.account import NUMBERS, SERVICE_SID, fixed_sid  # noqa: F401  (SERVICE_SID: for the tests)

MORNING = datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)  # a Monday, 09:00 UTC
BARE, POOLED, POOLED_TOO = NUMBERS  # one number on its own, two in the Messaging Service SERVICE_SID
PERSON = "+14155550123"  # someone who texts the business
CREDENTIALS_URL = "/integrations/twilio/credentials/"
SENDER_URL = "/integrations/twilio/sender/"


def number_sid(number: str) -> str:
    """The sandbox account's PN… sid of one of its NUMBERS (fixed, so known before the first request)."""
    return fixed_sid("PN", number)


@dataclass
class ConnectedTwilio:
    connection: Connection
    sandbox: object
    client: Client  # the owner's, signed in

    @property
    def workspace(self):
        return self.connection.workspace

    def refresh(self) -> Connection:
        self.connection.refresh_from_db()
        return self.connection

    @property
    def config(self) -> SmsConfig:
        return config_of(self.refresh())

    @property
    def sender(self) -> str:
        """What sends: the chosen number (E.164) or Messaging Service sid; "" before one is chosen."""
        return self.config.sender

    def control(self, action: str, **data) -> dict:
        """A sandbox test hook (tests/sandbox/twilio shows them all)."""
        return self.sandbox.control(action, **data)

    def advance(self, seconds: float = 0, *, everything: bool = False) -> int:
        """Let time pass for the messages in flight; how many status changes were applied (each posting
        its signed callback)."""
        return self.control("twilio-advance", seconds=seconds, everything=everything)["applied"]

    def text_in(self, body: str, *, person: str = PERSON, to: str = "") -> dict:
        """`person` texts `body` to `to` (by default the chosen number; BARE while a service sends)."""
        chosen = self.config
        to = to or (chosen.sender if chosen.sender_kind == "number" else BARE)
        return self.control("twilio-inbound", **{"from": person, "to": to, "body": body})

    def choose(self, sid: str, *, set_inbound_url: bool = True) -> SmsConfig:
        """Choose the number (PN…) or Messaging Service (MG…) that sends, on the tab as the owner does."""
        ticked = {"set_inbound_url": "1"} if set_inbound_url else {}
        response = self.client.post(SENDER_URL, {"sender": sid, **ticked})
        assert response.status_code == 302, response.content.decode()[:2000]
        return self.config


def freeze_sandbox_clock(sandbox, at: datetime = MORNING) -> None:
    sandbox.control("clock-freeze", frozen=True)
    sandbox.control("clock", seconds=(at - clock.now()).total_seconds())


def paste_credentials(client: Client, workspace) -> Connection:
    response = client.post(CREDENTIALS_URL, {"mode": "", "account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN})
    assert response.status_code == 302, response.content.decode()[:2000]
    connection = Connection.objects.get(workspace=workspace, provider="twilio", mode="")
    assert connection.status == ConnectionStatus.ACTIVE, connection.status_reason
    return connection


@pytest.fixture
def twilio_connected(sandbox, owner_client, workspace) -> ConnectedTwilio:
    freeze_sandbox_clock(sandbox)
    return ConnectedTwilio(paste_credentials(owner_client, workspace), sandbox, owner_client)


@pytest.fixture
def twilio(twilio_connected) -> ConnectedTwilio:
    twilio_connected.choose(number_sid(BARE))
    return twilio_connected
