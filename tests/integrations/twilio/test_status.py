"""Status callbacks, signed, to the connection's own URL: delivered by the sandbox Twilio (the
`twilio-advance` hook) and posted by the test in every order, repeated and shuffled. A text's status
never moves backwards, the first final status stays, and each of sms.sent, sms.delivered and
sms.failed is emitted once, when it happens."""

import itertools
import random

import pytest

from hubwire.integrations.models import InboundEvent
from hubwire.integrations.twilio import compose
from hubwire.integrations.twilio.inbound import EMPTY_TWIML
from hubwire.integrations.twilio.models import STATUS_RANK, Conversation, SmsMessage, SmsStatus
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.meetings import run_jobs
from tests.integrations.twilio.conftest import PERSON, connect, events_of

pytestmark = SANDBOX_DB
ORDERED = ["queued", "sent", "delivered", "undelivered"]
FINALS = {"delivered", "undelivered"}


def sent_text(workspace, body: str = "Your order is ready") -> SmsMessage:
    message = compose.sms_send(workspace=workspace, to=PERSON, body=body)
    run_jobs()
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and message.twilio_sid
    return message


def post_all(twilio, message: SmsMessage, statuses) -> list[str]:
    """Post each callback and let the worker apply it; the text's status after each."""
    seen = []
    for status in statuses:
        response = twilio.post_callback(message, status)
        assert response.status_code == 200, response.text
        assert response.text == EMPTY_TWIML
        run_jobs()
        message.refresh_from_db()
        seen.append(message.status)
    return seen


def test_the_sandbox_delivers_a_text_step_by_step_and_each_event_comes_once(twilio, workspace):
    twilio.control("clock-freeze", frozen=True)  # time passes for the sandbox only when the test says
    message = sent_text(workspace, body="x" * 200)  # 2 segments: 2 s on the sender
    seen = []
    for seconds in (0, 1, 1, 1):  # sending at once, sent after both segments, delivered a second later
        twilio.advance(seconds=seconds)
        run_jobs()
        message.refresh_from_db()
        seen.append(message.status)
    assert seen == ["sending", "sending", "sent", "delivered"]
    assert events_of(workspace) == [f"sms.sent:{message.pk}", f"sms.delivered:{message.pk}"]
    outcomes = list(InboundEvent.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [f"{message.pk}: queued → sending", f"{message.pk}: sending → sent",
                        f"{message.pk}: sent → delivered"]


def test_a_text_that_never_reached_the_carrier_is_failed_and_never_sent(twilio, workspace):
    twilio.control("twilio-fail-next", to=PERSON, status="failed", error_code=30008)
    message = sent_text(workspace)
    twilio.advance(everything=True)
    run_jobs()
    message.refresh_from_db()
    assert (message.status, message.error_code) == (SmsStatus.FAILED, "30008")
    assert "did not say why" in message.error
    assert events_of(workspace) == [f"sms.failed:{message.pk}"]


def test_callbacks_in_every_order_never_move_a_text_backwards(twilio, workspace):
    for order in itertools.permutations(ORDERED):
        message = sent_text(workspace, body=f"Order {'-'.join(order)}")
        seen = post_all(twilio, message, order)
        ranks = [STATUS_RANK[status] for status in seen]
        assert ranks == sorted(ranks), (order, seen)
        first_final = next(status for status in order if status in FINALS)
        assert seen[-1] == first_final, (order, seen)
        ending = "sms.delivered" if first_final == "delivered" else "sms.failed"
        assert events_of(workspace, "sms.sent", "sms.delivered", "sms.failed")[-2:] == [
            f"sms.sent:{message.pk}", f"{ending}:{message.pk}"], order
    assert len(events_of(workspace)) == 2 * 24


def test_repeated_callbacks_in_a_shuffled_order_end_where_twilio_ended(twilio, workspace):
    shuffler = random.Random(20)
    for round_ in range(5):
        message = sent_text(workspace, body=f"Round {round_}")
        posted = ["sending", "sent", "delivered"] * 3
        shuffler.shuffle(posted)
        seen = post_all(twilio, message, posted)
        assert [STATUS_RANK[s] for s in seen] == sorted(STATUS_RANK[s] for s in seen), posted
        assert seen[-1] == "delivered"
        mine = [e for e in events_of(workspace) if e.endswith(f":{message.pk}")]
        assert mine == [f"sms.sent:{message.pk}", f"sms.delivered:{message.pk}"], posted
    # A repeated callback is stored once (the same MessageSid and status), so each is applied once.
    assert InboundEvent.objects.count() == 5 * 3


def test_the_first_final_status_stays(twilio, workspace):
    message = sent_text(workspace)
    assert post_all(twilio, message, ["undelivered", "delivered", "sent"]) == ["undelivered"] * 3
    assert InboundEvent.objects.order_by("pk").last().outcome == (
        f"{message.pk}: stays undelivered (a final status stays; sent came after it)")
    assert events_of(workspace) == [f"sms.sent:{message.pk}", f"sms.failed:{message.pk}"]


@pytest.mark.parametrize("status, words", [
    ("read", "ignored: hubwire keeps no “read” status for a text"),
    ("received", "ignored: hubwire keeps no “received” status for a text"),
])
def test_a_status_hubwire_does_not_keep_is_ignored_in_words(twilio, workspace, status, words):
    message = sent_text(workspace)
    assert post_all(twilio, message, [status]) == ["queued"]
    assert InboundEvent.objects.get().outcome == words


def test_a_callback_for_a_text_hubwire_does_not_know_is_ignored_in_words(twilio, workspace):
    stranger = SmsMessage(twilio_sid="SM" + "0" * 32, conversation=sent_text(workspace).conversation)
    twilio.post_callback(stranger, "delivered")
    run_jobs()
    assert InboundEvent.objects.get().outcome == (f"ignored: no text hubwire sent in this workspace has Twilio id "
                                                  f"SM{'0' * 32} (sent from elsewhere, or deleted since)")
    assert events_of(workspace) == []


def test_a_callback_on_one_workspaces_url_never_touches_anothers_text(twilio, workspace, other_workspace, outsider):
    theirs = connect(logged_in(outsider), other_workspace, twilio.sandbox)
    mine = sent_text(workspace)
    their_conversation = Conversation.objects.create(workspace=other_workspace, phone=PERSON)
    their_message = SmsMessage.objects.create(workspace=other_workspace, conversation=their_conversation,
                                              direction="outbound", body="Theirs", status="queued",
                                              twilio_sid="SM" + "1" * 32)
    assert mine.twilio_sid != their_message.twilio_sid
    twilio.post_callback(their_message, "delivered")  # on this workspace's URL
    run_jobs()
    their_message.refresh_from_db()
    assert their_message.status == SmsStatus.QUEUED
    assert "ignored: no text hubwire sent in this workspace" in InboundEvent.objects.get().outcome
    # On their own URL it is theirs (another status: a callback is stored once per message and status).
    theirs.post_callback(their_message, "sent")
    run_jobs()
    their_message.refresh_from_db()
    assert their_message.status == SmsStatus.SENT
