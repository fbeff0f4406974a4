"""The send job against the sandbox Twilio: a create whose answer was lost is found at Twilio and never
sent twice; a job run again sends nothing; Twilio's refusals (21610, 21211, 21614) and delivery failures
(30003, 30005, 30006) end the text with the reason in words, 21610 also in the opt-out ledger and
in the words the composer refuses with (optout.refusal), as does an opt-out that came after the text
was queued; automated texts wait for the end of quiet hours."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.twilio import compose, optout
from hubwire.integrations.twilio.config import config_update
from hubwire.integrations.twilio.models import OptOutChange, SmsMessage, SmsStatus
from hubwire.integrations.twilio.send import SmsSend
from hubwire.jobs.models import JobStatus
from hubwire.jobs.runner import execute
from tests.conftest import SANDBOX_DB, wait_until
from tests.integrations.meetings import run_jobs
from tests.integrations.twilio.conftest import COMPOSE_SEND_URL, MESSAGES_PATH, PERSON, events_of, send_and_run

pytestmark = SANDBOX_DB


def queue(workspace, body="Your order is ready", to=PERSON, **extra) -> SmsMessage:
    return compose.sms_send(workspace=workspace, to=to, body=body, **extra)


def lookups(twilio) -> list:
    return [c for c in twilio.sandbox.calls("api.twilio.com", MESSAGES_PATH) if c.method == "GET"]


def test_a_create_whose_answer_was_lost_is_found_at_twilio_and_not_sent_again(twilio, workspace, settings):
    settings.HUBWIRE_HTTP_TIMEOUT = 1.0
    twilio.control("fault", host="api.twilio.com", path=MESSAGES_PATH, method="POST", delay=2.5, count=1)
    message = queue(workspace)
    assert run_jobs() == ["retry"]  # the create timed out after Twilio had taken the text
    message.refresh_from_db()
    assert message.twilio_sid is None and message.send_started_at is not None
    assert message.status == SmsStatus.WAITING
    wait_until(lambda: twilio.creates(), message="the late create to be logged")
    settings.HUBWIRE_HTTP_TIMEOUT = 15.0
    assert run_jobs(force=True) == ["done"]
    [sent] = twilio.sent()
    message.refresh_from_db()
    assert message.twilio_sid == sent.sid and message.status == SmsStatus.QUEUED
    assert len(twilio.creates()) == 1 and len(lookups(twilio)) == 1
    assert SmsSend.objects.get().outcome == (f"not sent again: Twilio already had it as {sent.sid} "
                                             "(its answer had been lost)")
    twilio.advance(everything=True)
    run_jobs()
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED
    assert events_of(workspace) == [f"sms.sent:{message.pk}", f"sms.delivered:{message.pk}"]


def test_a_create_twilio_answered_with_an_error_is_looked_for_then_made_once(twilio, workspace):
    twilio.control("fault", host="api.twilio.com", path=MESSAGES_PATH, method="POST", status=500, count=1)
    message = queue(workspace)
    assert run_jobs() == ["retry"]
    assert twilio.sent() == []
    assert run_jobs(force=True) == ["done"]
    [sent] = twilio.sent()
    message.refresh_from_db()
    assert message.twilio_sid == sent.sid
    assert [c.status for c in twilio.creates()] == [500, 201] and len(lookups(twilio)) == 1


def test_the_same_body_sent_twice_on_purpose_is_two_texts(twilio, workspace, settings):
    first = queue(workspace, body="Same words")
    run_jobs()
    settings.HUBWIRE_HTTP_TIMEOUT = 1.0
    twilio.control("fault", host="api.twilio.com", path=MESSAGES_PATH, method="POST", delay=2.5, count=1)
    second = queue(workspace, body="Same words")
    run_jobs()
    wait_until(lambda: len(twilio.creates()) == 2, message="the late create to be logged")
    settings.HUBWIRE_HTTP_TIMEOUT = 15.0
    run_jobs(force=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(twilio.sent()) == 2 and len(twilio.creates()) == 2
    assert {first.twilio_sid, second.twilio_sid} == {m.sid for m in twilio.sent()}  # each its own, none adopted twice


def test_a_job_run_again_sends_nothing(twilio, workspace):
    message = queue(workspace)
    run_jobs()
    job = SmsSend.objects.get(message=message)
    assert execute("integrations_twilio.smssend", job.pk) == "skipped"  # done: nobody claims it again
    SmsSend.objects.filter(pk=job.pk).update(status=JobStatus.PENDING)  # as if the tick sent it once more
    assert execute("integrations_twilio.smssend", job.pk) == "done"
    assert len(twilio.sent()) == 1 and len(twilio.creates()) == 1
    assert SmsSend.objects.get(pk=job.pk).outcome == "nothing to do: it is queued"


@pytest.mark.parametrize("to, code, words", [
    ("+15005550001", "21211", "The recipient's phone number is not a valid number for text messages."),
    ("+15005550009", "21614", "The recipient's number cannot receive text messages (it may be a landline)."),
])
def test_twilios_refusal_ends_the_text_in_words(twilio, owner_client, workspace, to, code, words):
    message = send_and_run(owner_client, to=to, body="Hello")
    assert (message.status, message.error_code) == (SmsStatus.FAILED, code)
    assert message.error.startswith(words) and f"Twilio error {code}" in message.error
    assert message.twilio_sid is None and message.send_started_at is None
    assert events_of(workspace) == [f"sms.failed:{message.pk}"]
    assert twilio.sent() == []
    assert not OptOutChange.objects.exists()
    message.conversation.refresh_from_db()
    assert not message.conversation.opted_out


def test_twilios_21610_is_an_opt_out_said_in_the_composers_words_and_the_composer_then_refuses(twilio, owner_client,
                                                                                               workspace):
    opted_out = "+15005550004"  # Twilio's magic number for a recipient who opted out
    message = send_and_run(owner_client, to=opted_out, body="Hello")
    refusal = optout.refusal(workspace, opted_out)
    assert refusal.startswith(f"Twilio refused a text to {opted_out} on ") and "(error 21610)" in refusal
    assert (message.status, message.error_code, message.error) == (SmsStatus.FAILED, "21610", f"Not sent: {refusal}")
    assert message.twilio_sid is None and message.send_started_at is None
    assert events_of(workspace) == [f"sms.failed:{message.pk}"]
    assert twilio.sent() == []
    assert list(OptOutChange.objects.values_list("opted_out", "source", "message")) == [(True, "21610", message.pk)]
    message.conversation.refresh_from_db()
    assert message.conversation.opted_out

    response = owner_client.post(COMPOSE_SEND_URL, {"to": opted_out, "body": "Again"})
    assert response.status_code == 422 and html.escape(refusal) in response.content.decode()
    assert SmsMessage.objects.count() == 1


@pytest.mark.parametrize("code, words", [
    ("30003", "The recipient's phone could not be reached"),
    ("30005", "The recipient's number is unknown to their carrier"),
    ("30006", "The recipient's number is a landline, or its carrier cannot receive text messages."),
])
def test_a_text_twilio_could_not_deliver_says_why_in_words(twilio, owner_client, workspace, code, words):
    twilio.control("twilio-fail-next", to=PERSON, status="undelivered", error_code=int(code))
    message = send_and_run(owner_client, to=PERSON, body="Hello")
    twilio.advance(everything=True)
    run_jobs()
    message.refresh_from_db()
    assert (message.status, message.error_code) == (SmsStatus.UNDELIVERED, code)
    assert message.error.startswith(words) and f"https://www.twilio.com/docs/errors/{code}" in message.error
    assert events_of(workspace) == [f"sms.sent:{message.pk}", f"sms.failed:{message.pk}"]
    page = owner_client.get(f"/integrations/twilio/messages/{message.pk}/status/").content.decode()
    assert 'data-status="undelivered"' in page and "hx-get" not in page  # final: it stops asking


def test_a_text_queued_before_twilio_was_disconnected_fails_in_words(twilio, workspace):
    message = queue(workspace)
    Connection.objects.filter(pk=twilio.connection.pk).update(status=ConnectionStatus.NOT_CONNECTED)
    run_jobs()
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED and "Twilio is not connected" in message.error
    assert twilio.creates() == [] and events_of(workspace) == [f"sms.failed:{message.pk}"]


def test_a_text_to_a_number_that_opted_out_after_it_was_queued_is_not_sent(twilio, workspace):
    message = queue(workspace)
    optout.record(message.conversation, opted_out=True, source="STOP")  # the person's STOP came meanwhile
    run_jobs()
    message.refresh_from_db()
    refusal = optout.refusal(workspace, PERSON)
    assert "opted out of your texts by replying STOP" in refusal
    assert (message.status, message.error) == (SmsStatus.FAILED, f"Not sent: {refusal}")
    assert twilio.creates() == [] and events_of(workspace) == [f"sms.failed:{message.pk}"]


def quiet_now(twilio) -> str:
    """Quiet hours from an hour ago to an hour from now, in the workspace's zone (UTC): now is quiet."""
    now = timezone.now()
    end = now + timedelta(hours=1)
    config_update(twilio.connection, quiet_hours=True, quiet_start=f"{now - timedelta(hours=1):%H:%M}",
                  quiet_end=f"{end:%H:%M}")
    return f"{end:%H:%M}"


def test_an_automated_text_waits_for_the_end_of_quiet_hours(twilio, workspace):
    end = quiet_now(twilio)
    message = queue(workspace, automated=True)
    assert run_jobs() == ["later"]
    message.refresh_from_db()
    job = SmsSend.objects.get(message=message)
    assert message.status == SmsStatus.HELD and twilio.creates() == []
    assert f"{job.next_attempt_at:%H:%M}" == end and "held for quiet hours until" in job.last_error
    config_update(twilio.connection, quiet_hours=False)  # as if the morning had come
    assert run_jobs(force=True) == ["done"]
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and len(twilio.sent()) == 1


def test_a_text_a_person_sends_during_quiet_hours_goes_at_once(twilio, workspace):
    quiet_now(twilio)
    message = queue(workspace)
    assert run_jobs() == ["done"]
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED
