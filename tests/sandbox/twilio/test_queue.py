"""Each sender's queue on the sandbox clock (providers.md §6.1): a long code sends 1 segment a second in
order (HUBWIRE_SANDBOX_TWILIO_SEGMENTS_PER_SECOND); past the queue limit (4 hours by default, a setting)
a bare number refuses at create with 21611, while a Messaging Service, whose numbers share the work,
accepts and fails the message later with 30001."""

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from hubwire.sandbox.twilio.models import Message
from hubwire.sandbox.twilio.queue import DEFAULT_QUEUE_LIMIT_SECONDS, queue_limit
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import (BARE, MORNING, PERSON, POOLED, POOLED_TOO, SERVICE_SID, advance,
                                           assert_twilio_error, form_of, send, statuses)

pytestmark = SANDBOX_DB


def sent_at(api, sid: str) -> datetime:
    return parsedate_to_datetime(api.get(f"/Messages/{sid}.json").json()["date_sent"])


def recipient(n: int) -> str:
    return f"+1415555{n:04d}"


@pytest.fixture
def ten_second_queue(settings):
    settings.HUBWIRE_SANDBOX_TWILIO_QUEUE_LIMIT_SECONDS = 10


def test_the_queue_limit_is_four_hours_unless_set():
    assert queue_limit() == timedelta(hours=4) == timedelta(seconds=DEFAULT_QUEUE_LIMIT_SECONDS)


def test_a_long_code_sends_one_segment_a_second_in_order(sandbox, api):
    sids = [send(api, To=recipient(n), From=BARE, Body=body)["sid"]
            for n, body in enumerate(["one", "b" * 200, "three"])]  # 1, 2 and 1 segments
    advance(sandbox, everything=True)
    assert [sent_at(api, sid) - MORNING for sid in sids] == [timedelta(seconds=s) for s in (1, 3, 4)]


def test_the_rate_is_a_setting(sandbox, api, settings):
    settings.HUBWIRE_SANDBOX_TWILIO_SEGMENTS_PER_SECOND = 4
    sids = [send(api, To=recipient(n), From=BARE, Body="x")["sid"] for n in range(4)]
    advance(sandbox, everything=True)
    # Twilio's dates are whole seconds: the sandbox's own record has the quarters.
    sent = [Message.objects.get(sid=sid).date_sent - MORNING for sid in sids]
    assert sent == [timedelta(seconds=s / 4) for s in (1, 2, 3, 4)]


def test_senders_do_not_wait_for_each_other(sandbox, api):
    first = send(api, To=recipient(1), From=BARE, Body="a" * 1600)  # 11 segments
    other = send(api, To=recipient(2), From=POOLED, Body="x")
    advance(sandbox, everything=True)
    assert sent_at(api, other["sid"]) - MORNING == timedelta(seconds=1)
    assert sent_at(api, first["sid"]) - MORNING == timedelta(seconds=11)


def test_a_bare_number_refuses_with_21611_what_would_wait_past_the_queue_limit(sandbox, api, ten_second_queue):
    for n in range(11):  # they start at 0, 1, … 10 seconds: the last waits exactly the limit
        send(api, To=recipient(n), From=BARE, Body="x")
    refused = api.post("/Messages.json", data={"To": recipient(11), "From": BARE, "Body": "x"})
    assert_twilio_error(refused, 400, 21611)
    assert Message.objects.count() == 11
    assert send(api, To=recipient(11), From=POOLED, Body="x")["status"] == "queued"  # another sender is free

    advance(sandbox, seconds=3)  # three have left: three places again
    for n in range(3):
        send(api, To=recipient(20 + n), From=BARE, Body="x")
    assert_twilio_error(api.post("/Messages.json", data={"To": recipient(30), "From": BARE, "Body": "x"}), 400, 21611)


def test_a_long_message_takes_as_many_places_as_segments(api, ten_second_queue):
    send(api, To=recipient(1), From=BARE, Body="a" * 1600)  # 11 segments: busy for 11 seconds
    assert_twilio_error(api.post("/Messages.json", data={"To": recipient(2), "From": BARE, "Body": "x"}), 400, 21611)


def test_a_service_shares_its_numbers_and_fails_the_overflow_later_with_30001(sandbox, api, receiver,
                                                                              ten_second_queue):
    url = receiver.url("/status")
    accepted = [send(api, To=recipient(n), MessagingServiceSid=SERVICE_SID, Body="x", StatusCallback=url)
                for n in range(23)]  # two numbers × 11 places each, and one too many
    assert {m["status"] for m in accepted} == {"accepted"}
    senders = Message.objects.values_list("from_number", flat=True)
    assert sorted(senders).count(POOLED) == 11 and sorted(senders).count(POOLED_TOO) == 11

    advance(sandbox, seconds=9)
    overflow = accepted[-1]["sid"]
    assert api.get(f"/Messages/{overflow}.json").json()["status"] == "accepted"
    advance(sandbox, seconds=1)  # it has waited the limit
    fetched = api.get(f"/Messages/{overflow}.json").json()
    assert (fetched["status"], fetched["error_code"], fetched["from"], fetched["num_segments"]) == (
        "failed", 30001, None, "0")
    failure = [form_of(r) for r in receiver.to("/status") if form_of(r)["MessageSid"] == overflow]
    assert [(f["MessageStatus"], f["ErrorCode"]) for f in failure] == [("failed", "30001")]
    advance(sandbox, everything=True)
    assert statuses(receiver).count("delivered") == 22


def test_a_service_keeps_sending_to_a_person_from_the_same_number(api):
    first = send(api, To=PERSON, MessagingServiceSid=SERVICE_SID, Body="one")
    busy_number = Message.objects.get(sid=first["sid"]).from_number
    for n in range(3):
        send(api, To=recipient(n), MessagingServiceSid=SERVICE_SID, Body="others")  # the idle number takes them
    again = send(api, To=PERSON, MessagingServiceSid=SERVICE_SID, Body="two")
    assert Message.objects.get(sid=again["sid"]).from_number == busy_number  # sticky sender, Twilio's default
