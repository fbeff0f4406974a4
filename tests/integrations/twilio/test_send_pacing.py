"""Pacing at the sender's rate: a text of n segments takes n tokens from its sender's bucket, and one
whose turn has not come gives its worker back (RetryLater) until it has. Measured by the bucket's own
clock and the wait the job is told, never by wall time.

Each test over HTTP sends from a number of its own: a sender's bucket lives as long as the process,
and the other tests' texts go from +12025550101."""

import pytest
from django.utils import timezone

from hubwire.integrations.ratelimit import MemoryBuckets
from hubwire.integrations.twilio import compose
from hubwire.integrations.twilio.config import config_update
from hubwire.integrations.twilio.models import SmsMessage, SmsStatus
from hubwire.integrations.twilio.segments import segments
from hubwire.integrations.twilio.send import SmsSend
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.twilio.conftest import number_sid

THREE_SEGMENTS = "Your order is on its way. " * 16  # 416 GSM-7 characters: 153 + 153 + 110


def test_the_text_used_here_is_three_segments():
    assert segments(THREE_SEGMENTS).segments == 3


def test_a_text_of_n_segments_takes_n_tokens():
    now = [0.0]
    bucket = MemoryBuckets(clock=lambda: now[0])
    assert [bucket.take("sender", 1, 10, cost=3) for _ in range(3)] == [0, 0, 0]  # 10 → 7 → 4 → 1
    assert bucket.take("sender", 1, 10, cost=3) == pytest.approx(2.0)  # two more segments' time
    now[0] = 2.0
    assert bucket.take("sender", 1, 10, cost=3) == 0


def test_a_text_longer_than_the_bucket_goes_when_it_is_full_and_the_next_waits_its_segments_out():
    now = [0.0]
    bucket = MemoryBuckets(clock=lambda: now[0])
    assert bucket.take("sender", 1, 1, cost=3) == 0  # the sender was idle: it goes, owing 2 segments
    assert bucket.take("sender", 1, 1, cost=1) == pytest.approx(3.0)
    now[0] = 2.9
    assert bucket.take("sender", 1, 1, cost=1) == pytest.approx(0.1)
    now[0] = 3.0
    assert bucket.take("sender", 1, 1, cost=1) == 0


def send_from(twilio, sandbox, number: str) -> None:
    config_update(twilio.connection, sender=number, sender_sid=number_sid(number))


def waiting_for(job: SmsSend) -> float:
    """How long the job was told to wait, as far as is left of it."""
    return (job.next_attempt_at - timezone.now()).total_seconds()


@SANDBOX_DB
def test_two_three_segment_texts_from_one_number_the_second_waits_for_the_first(twilio, sandbox, workspace,
                                                                                settings):
    send_from(twilio, sandbox, "+12025550102")
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = 1
    settings.HUBWIRE_TWILIO_QUEUE_AHEAD_SECONDS = 0  # nothing may wait in Twilio's queue
    first = compose.sms_send(workspace=workspace, to="+14155550123", body=THREE_SEGMENTS)
    second = compose.sms_send(workspace=workspace, to="+14155550124", body=THREE_SEGMENTS)
    assert run_jobs() == ["done", "later"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SmsStatus.QUEUED and second.status == SmsStatus.WAITING
    assert [m.to for m in twilio.sent()] == ["+14155550123"]
    job = SmsSend.objects.get(message=second)
    assert 0 < waiting_for(job) <= 3  # the first text's 3 segments at 1 a second
    assert "+12025550102 sends 1 segment a second: this text's turn comes in" in job.last_error
    assert job.attempts == 0  # waiting its turn is not a failed attempt
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = 1000  # the sender's rate is the setting's
    assert run_jobs(force=True) == ["done"]
    assert [m.to for m in twilio.sent()] == ["+14155550123", "+14155550124"]


@SANDBOX_DB
def test_by_default_ten_seconds_of_sending_may_wait_in_twilios_queue_then_texts_wait(twilio, sandbox, workspace,
                                                                                     settings):
    send_from(twilio, sandbox, "+12025550103")
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = 1
    for n in range(4):
        compose.sms_send(workspace=workspace, to=f"+1415555012{n}", body=THREE_SEGMENTS)
    assert run_jobs() == ["done", "done", "done", "later"]  # 9 of 10 segments used; the fourth needs 3
    fourth = SmsSend.objects.get(message=SmsMessage.objects.order_by("pk").last())
    assert 0 < waiting_for(fourth) <= 2  # 1 token left; 2 more come in 2 s
    assert len(twilio.sent()) == 3


@SANDBOX_DB
@pytest.mark.parametrize("rate, words", [("fast", "must be a number; it is 'fast'"), ("0", "must be more than 0")])
def test_a_bad_pacing_setting_is_named_and_the_text_waits(twilio, workspace, settings, rate, words):
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = rate
    message = compose.sms_send(workspace=workspace, to="+14155550123", body="Hi")
    assert run_jobs() == ["retry"]
    assert f"HUBWIRE_TWILIO_SEGMENTS_PER_SECOND {words}" in SmsSend.objects.get().last_error
    message.refresh_from_db()
    assert message.status == SmsStatus.WAITING and twilio.creates() == []


def test_a_messaging_service_sends_at_the_rate_of_all_its_numbers():
    from hubwire.integrations.twilio.send import sender_rate_limit

    assert sender_rate_limit(1).per_second == 1 and sender_rate_limit(2).per_second == 2
    assert sender_rate_limit(3).burst == 3 * sender_rate_limit(1).burst


@SANDBOX_DB
def test_choosing_a_service_keeps_how_many_numbers_send_and_a_number_is_one(twilio, sandbox):
    from hubwire.sandbox.twilio.account import SERVICE_NUMBERS, SERVICE_SID

    assert twilio.choose(SERVICE_SID).sender_numbers == len(SERVICE_NUMBERS) == 2
    assert twilio.choose(number_sid("+12025550101")).sender_numbers == 1


@SANDBOX_DB
def test_a_service_of_two_numbers_lets_two_texts_through_where_one_number_lets_one(twilio, sandbox, workspace,
                                                                                   settings, monkeypatch):
    import uuid

    from hubwire.integrations.twilio import send
    from hubwire.sandbox.twilio.account import SERVICE_SID

    fresh = uuid.uuid4().hex  # the Service's bucket of this test alone (another test may have sent through it)
    monkeypatch.setattr(send, "bucket_key", lambda account_sid, sender: f"test-{fresh}:{account_sid}:{sender}")
    twilio.choose(SERVICE_SID)
    settings.HUBWIRE_TWILIO_SEGMENTS_PER_SECOND = 1
    settings.HUBWIRE_TWILIO_QUEUE_AHEAD_SECONDS = 3  # one number: 3 segments may wait; two numbers: 6
    for n in range(3):
        compose.sms_send(workspace=workspace, to=f"+1415555013{n}", body=THREE_SEGMENTS)
    assert run_jobs() == ["done", "done", "later"]
