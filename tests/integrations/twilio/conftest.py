"""A workspace connected to the sandbox Twilio over real HTTP, as its owner does it on the SMS tab:
paste the Account SID and Auth Token (checked with Twilio), then choose what sends.

- `twilio_connected`: the credentials pasted, no sender chosen yet (the card is orange).
- `twilio`: the same, with the account's number BARE (+12025550101, in no Messaging Service) chosen
  to send, and its inbound URL set to the connection's own, so a text to it reaches hubwire. Its
  pace is lifted to 1,000 segments a second: a sender's bucket lives as long as the process, so at
  Twilio's real 1 a second one test's texts would wait for another's (test_send_pacing.py puts the
  pace back to test it).

Both stop the sandbox clock at MORNING: time passes for messages in flight only when a test says so
(`.advance(seconds)`), and a status changes only then. Use `.control(action, **data)` for the other
sandbox hooks (twilio-fail-next, …), `.text_in(body)` for a person texting the sender through the
sandbox, `.post_text(body)` and `.post_callback(message, status)` for Twilio's signed webhooks posted
by the test itself."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx
import pytest
from django.test import Client
from twilio.request_validator import RequestValidator

from hubwire.events.models import Event
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.twilio.config import SmsConfig, config_of
from hubwire.integrations.twilio.models import SmsMessage
from hubwire.sandbox import clock
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.account import NUMBERS, SERVICE_SID, fixed_sid  # noqa: F401  (SERVICE_SID: for the tests)
from hubwire.sandbox.twilio.models import Message
from tests.integrations.meetings import run_jobs

MORNING = datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)  # a Monday, 09:00 UTC
BARE, POOLED, POOLED_TOO = NUMBERS  # one number on its own, two in the Messaging Service SERVICE_SID
PERSON = "+14155550123"  # someone who texts the business
CREDENTIALS_URL = "/integrations/twilio/credentials/"
SENDER_URL = "/integrations/twilio/sender/"
COMPOSE_SEND_URL = "/integrations/twilio/compose/send/"
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"  # as the sandbox logs it (no host)
TIMEOUT = 60  # a busy machine is slow, not wrong


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

    @property
    def inbound_url(self) -> str:
        """The connection's own URL: Twilio posts texts received and status callbacks there."""
        return connection_inbound_url(connection=self.connection)

    def control(self, action: str, **data) -> dict:
        """A sandbox test hook (tests/sandbox/twilio shows them all)."""
        return self.sandbox.control(action, **data)

    def advance(self, seconds: float = 0, *, everything: bool = False) -> int:
        """Let time pass for the messages in flight; how many status changes were applied (each posting
        its signed callback)."""
        return self.control("twilio-advance", seconds=seconds, everything=everything)["applied"]

    def text_in(self, body: str, *, person: str = PERSON, to: str = "") -> dict:
        """`person` texts `body` to `to` (by default the chosen number; BARE while a service sends)
        through the sandbox, which posts the webhook; the sandbox's resource of that text."""
        chosen = self.config
        to = to or (chosen.sender if chosen.sender_kind == "number" else BARE)
        return self.control("twilio-inbound", **{"from": person, "to": to, "body": body})

    def post_text(self, body: str, *, person: str = PERSON) -> dict:
        """Post a received text's webhook as Twilio does (signed) to the connection's URL; its parameters."""
        params = text_params(self.sender, body, person=person)
        response = signed_post(self.inbound_url, params)
        assert response.status_code == 200, response.text
        return params

    def post_callback(self, message: SmsMessage, status: str, *, error_code: str = "") -> httpx.Response:
        """A status callback for `message` as Twilio posts it (providers.md §6.2): form-encoded, signed."""
        params = {"MessageSid": message.twilio_sid, "SmsSid": message.twilio_sid, "AccountSid": ACCOUNT_SID,
                  "From": self.sender, "To": message.conversation.phone, "MessageStatus": status,
                  "SmsStatus": status, "ApiVersion": "2010-04-01"}
        if error_code:
            params["ErrorCode"] = error_code
        return signed_post(self.inbound_url, params)

    def api(self) -> httpx.Client:
        """The sandbox's Twilio REST API for the account, as Twilio's own clients call it."""
        base = f"{self.sandbox.base_url}/sandbox/api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"
        return httpx.Client(base_url=base, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=TIMEOUT)

    def sent(self) -> list[Message]:
        """The texts the sandbox Twilio holds that hubwire (or a test) sent, oldest first."""
        return list(Message.objects.exclude(direction="inbound").order_by("id"))

    def creates(self) -> list:
        """Every create hubwire made (POST …/Messages.json), whatever its answer."""
        return [c for c in self.sandbox.calls("api.twilio.com", MESSAGES_PATH) if c.method == "POST"]

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


def connect(client: Client, workspace, sandbox, *, sender: str = BARE) -> ConnectedTwilio:
    """Another workspace on the same Twilio account, connected by its own owner (`client`), `sender`
    chosen (its inbound URL then points at this connection's)."""
    connected = ConnectedTwilio(paste_credentials(client, workspace), sandbox, client)
    connected.choose(number_sid(sender))
    return connected


@pytest.fixture
def twilio_connected(sandbox, owner_client, workspace) -> ConnectedTwilio:
    freeze_sandbox_clock(sandbox)
    return ConnectedTwilio(paste_credentials(owner_client, workspace), sandbox, owner_client)


@pytest.fixture
def twilio(twilio_connected, settings) -> ConnectedTwilio:
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = 1000
    twilio_connected.choose(number_sid(BARE))
    return twilio_connected


# --- Twilio's webhooks as a test posts them ----------------------------------------------------------

def text_params(sender: str, body: str = "Is 10:15 still good?", *, person: str = PERSON) -> dict:
    """A received text's webhook parameters, as Twilio sends them (providers.md §6.2), with a new MessageSid."""
    sid = "SM" + uuid.uuid4().hex
    return {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": ACCOUNT_SID, "From": person,
            "To": sender, "Body": body, "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received",
            "ApiVersion": "2010-04-01", "FromCountry": "US", "ToCountry": "US"}


def signed_post(url: str, params: dict, *, signed_url: str | None = None, signed_params: dict | None = None,
                signature: str | None = "sign", token: str = AUTH_TOKEN) -> httpx.Response:
    """Post `params` to `url` as Twilio does, signed by the twilio package's own RequestValidator over
    `signed_url` and `signed_params` (the same as what is sent unless a test forges something);
    signature=None sends no X-Twilio-Signature at all."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "TwilioProxy/1.1"}
    if signature == "sign":
        signature = RequestValidator(token).compute_signature(signed_url or url, signed_params or params)
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return httpx.post(url, data=params, headers=headers, timeout=TIMEOUT)


# --- what was sent -----------------------------------------------------------------------------------

def events_of(workspace, *types: str) -> list[str]:
    """The SMS events recorded in the workspace, oldest first (each "type:message id")."""
    found = Event.objects.filter(workspace=workspace, type__in=types or ("sms.sent", "sms.delivered", "sms.failed"))
    return [f"{e.type}:{e.data['id']}" for e in found.order_by("occurred_at")]


def send_and_run(client: Client, **form) -> SmsMessage:
    """Send from the composer, as a person does, then let the worker send it."""
    response = client.post(COMPOSE_SEND_URL, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    message = SmsMessage.objects.order_by("-id").first()
    run_jobs()
    message.refresh_from_db()
    return message
