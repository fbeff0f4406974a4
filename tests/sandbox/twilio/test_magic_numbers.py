"""Twilio's test-credential magic numbers (providers.md §6.1, twilio.com/docs/iam/test-credentials),
played by the sandbox account so that hubwire's handling of each refusal can be tried: each From and
To answers its code in Twilio's envelope, 400, and nothing is sent; From +15005550006 passes."""

import pytest

from hubwire.sandbox.twilio.models import Message
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import BARE, PERSON, advance, assert_twilio_error, send

pytestmark = SANDBOX_DB


@pytest.mark.parametrize(("sender", "code"), [("+15005550001", 21212), ("+15005550007", 21606),
                                               ("+15005550008", 21611)])
def test_each_magic_from_number_answers_its_code(api, sender, code):
    body = assert_twilio_error(api.post("/Messages.json", data={"To": PERSON, "From": sender, "Body": "x"}), 400, code)
    assert sender in body["message"] or code == 21611
    assert not Message.objects.exists()


@pytest.mark.parametrize(("recipient", "code"), [("+15005550001", 21211), ("+15005550002", 21612),
                                                  ("+15005550003", 21408), ("+15005550004", 21610),
                                                  ("+15005550009", 21614)])
def test_each_magic_to_number_answers_its_code(api, recipient, code):
    assert_twilio_error(api.post("/Messages.json", data={"To": recipient, "From": BARE, "Body": "x"}), 400, code)
    assert not Message.objects.exists()


def test_the_passing_magic_from_number_sends_and_is_delivered(sandbox, api, receiver):
    sent = send(api, To=PERSON, From="+15005550006", Body="x", StatusCallback=receiver.url("/status"))
    assert sent["from"] == "+15005550006" and sent["status"] == "queued"
    advance(sandbox, everything=True)
    assert api.get(f"/Messages/{sent['sid']}.json").json()["status"] == "delivered"
