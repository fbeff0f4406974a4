"""The sandbox Twilio account over real HTTP: clients for api.twilio.com and messaging.twilio.com with
its credentials, the sandbox clock standing still at a known morning, an app's webhook endpoint on a
real port, and how Twilio's answers and posts are read and checked."""

from datetime import datetime, timezone
from urllib.parse import parse_qsl

import httpx
import pytest
from twilio.request_validator import RequestValidator

from hubwire.sandbox import clock
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.account import NUMBERS, SERVICE_SID  # noqa: F401  (for the tests)
from tests.webhooks.receiver import Receiver

MORNING = datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)
BARE, POOLED, POOLED_TOO = NUMBERS  # one number on its own, two in the Messaging Service
PERSON = "+14155550123"
# How long a test waits for one answer: generous, since a busy machine is slow, not wrong (an answer
# may wait on the webhooks it posts), and httpx's own default is 5 seconds.
TIMEOUT = 60


@pytest.fixture(autouse=True)
def morning(sandbox):
    """The sandbox clock stands still at 09:00 UTC on Monday 3 March 2031: time passes only when a test
    moves it, so every status change comes exactly when the test says."""
    sandbox.control("clock-freeze", frozen=True)
    sandbox.control("clock", seconds=(MORNING - clock.now()).total_seconds())


@pytest.fixture
def api(sandbox):
    with httpx.Client(base_url=f"{sandbox.base_url}/sandbox/api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}",
                      auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def messaging(sandbox):
    with httpx.Client(base_url=f"{sandbox.base_url}/sandbox/messaging.twilio.com/v1", auth=(ACCOUNT_SID, AUTH_TOKEN),
                      timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def receiver():
    """An app's webhook endpoint on a real port: keeps what it is sent and answers 200."""
    found = Receiver()
    yield found
    found.close()


def send(api, **params) -> dict:
    """Create a message (params are the form's: To, From, Body, …) and answer its resource."""
    response = api.post("/Messages.json", data=params)
    assert response.status_code == 201, response.text
    return response.json()


def assert_twilio_error(response: httpx.Response, status: int, code: int) -> dict:
    """Twilio's envelope, exactly its four fields (providers.md §6.1)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"code": code, "message": body["message"], "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status}
    assert isinstance(body["message"], str) and body["message"]
    return body


def advance(sandbox, seconds: float = 0, everything: bool = False) -> int:
    """Let time pass for the messages in flight; how many status changes were applied."""
    return sandbox.control("twilio-advance", seconds=seconds, everything=everything)["applied"]


def text_in(sandbox, body: str, *, to: str = BARE, person: str = PERSON) -> dict:
    """The person texts `body` to one of the account's numbers (the inbound message's resource)."""
    return sandbox.control("twilio-inbound", **{"from": person, "to": to, "body": body})


def number_sid(api, number: str) -> str:
    listed = api.get("/IncomingPhoneNumbers.json", params={"PhoneNumber": number}).json()
    return listed["incoming_phone_numbers"][0]["sid"]


def point(api, number: str, url: str, method: str = "POST") -> None:
    """Set where the account's `number` sends its inbound texts, as hubwire may."""
    response = api.post(f"/IncomingPhoneNumbers/{number_sid(api, number)}.json",
                        data={"SmsUrl": url, "SmsMethod": method})
    assert response.status_code == 200, response.text


def form_of(received) -> dict:
    return dict(parse_qsl(received.body.decode(), keep_blank_values=True))


def signed_by_twilio(received, url: str) -> bool:
    """What the twilio package's own validator says of a post the sandbox made to `url`."""
    return RequestValidator(AUTH_TOKEN).validate(url, form_of(received), received.headers.get("x-twilio-signature", ""))


def statuses(receiver: Receiver, path: str = "/status") -> list[str]:
    return [form_of(r)["MessageStatus"] for r in receiver.to(path)]
