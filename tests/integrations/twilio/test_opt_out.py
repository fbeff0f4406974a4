"""Opt-outs (providers.md §6.3): STOP, STOPALL, UNSUBSCRIBE, CANCEL, END and QUIT, sent as a text of
that one word in any case, opt the number out at once; START, YES and UNSTOP opt it back in; a
sentence with the word in it does neither. Every change is a ledger row naming when and which text;
Twilio's 21610 (recorded by the send part through optout.record) does the same; the composer's
refusal says why in words."""

import pytest

from hubwire.core.errors import FieldError
from hubwire.integrations.twilio import compose, optout
from hubwire.integrations.twilio.models import Conversation, OptOutChange, SmsMessage
from hubwire.sandbox.twilio.models import Message, OptOut
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.twilio.conftest import PERSON

pytestmark = SANDBOX_DB


def variants(keyword: str) -> list[str]:
    """The keyword as people type it: any case, with spaces, line breaks and punctuation around it."""
    return [keyword, keyword.lower(), keyword.capitalize(), keyword[0].lower() + keyword[1:],
            f"  {keyword.lower()}  ", f"{keyword.capitalize()}.", f"{keyword.lower()}!\n", f"“{keyword}”",
            "".join(chr(ord(c) + 0xFEE0) for c in keyword)]  # full-width letters, as some keyboards type them


def texted(twilio, body: str) -> Conversation:
    twilio.post_text(body)
    run_jobs()
    return Conversation.objects.get(phone=PERSON)


def ledger() -> list[tuple[bool, str, str]]:
    return [(c.opted_out, c.source, c.message.body if c.message else "")
            for c in OptOutChange.objects.order_by("at", "id")]


@pytest.mark.parametrize("keyword", sorted(optout.OPT_OUT_KEYWORDS))
def test_each_opt_out_keyword_in_every_case_opts_out_at_once_and_start_opts_back_in(twilio, workspace, keyword):
    for typed in variants(keyword):
        conversation = texted(twilio, typed)
        assert conversation.opted_out, repr(typed)
        words = optout.refusal(workspace, PERSON)
        assert words.startswith(f"{PERSON} opted out of your texts by replying {keyword} on ")
        assert ledger()[-1] == (True, keyword, typed)
        assert not texted(twilio, "START").opted_out
        assert optout.refusal(workspace, PERSON) == ""
    assert len(ledger()) == 2 * len(variants(keyword))


@pytest.mark.parametrize("keyword", sorted(optout.OPT_IN_KEYWORDS))
def test_each_opt_in_keyword_in_every_case_opts_back_in(twilio, workspace, keyword):
    for typed in variants(keyword):
        assert texted(twilio, "STOP").opted_out
        conversation = texted(twilio, typed)
        assert not conversation.opted_out, repr(typed)
        assert ledger()[-1] == (False, keyword, typed)
    assert len(ledger()) == 2 * len(variants(keyword))


@pytest.mark.parametrize("body", ["stop please", "Please stop", "STOP STOP", "stopp", "S.T.O.P", "Stop-it",
                                  "I'd like to unsubscribe", "end of the day works", "yes please", "quit it 🙂",
                                  "STOP🛑"])
def test_a_sentence_with_a_keyword_in_it_changes_nothing(twilio, workspace, body):
    assert not texted(twilio, body).opted_out
    assert ledger() == [] and optout.refusal(workspace, PERSON) == ""


def test_the_ledger_holds_changes_only_with_when_and_which_text(twilio):
    texted(twilio, "STOP")
    texted(twilio, "quit")  # already out: no change, no row
    texted(twilio, "Yes")
    texted(twilio, "YES")   # already in
    texted(twilio, "End")
    assert ledger() == [(True, "STOP", "STOP"), (False, "YES", "Yes"), (True, "END", "End")]
    changes = list(OptOutChange.objects.order_by("at", "id"))
    assert [c.at for c in changes] == sorted(c.at for c in changes)
    assert all(c.message.direction == "inbound" and c.at >= c.message.created_at for c in changes)
    assert all(c.workspace_id == c.conversation.workspace_id for c in changes)


def test_21610_from_twilio_opts_out_through_record_and_the_refusal_says_so(twilio, workspace):
    conversation = texted(twilio, "Thanks!")
    refused = SmsMessage.objects.create(workspace=workspace, conversation=conversation, direction="outbound",
                                        body="Your appointment is tomorrow", status="failed", error_code="21610")
    change = optout.record(conversation, opted_out=True, source="21610", message=refused)
    assert (change.opted_out, change.source, change.message) == (True, "21610", refused)
    assert optout.record(conversation, opted_out=True, source="21610", message=refused) is None  # said again
    assert Conversation.objects.get(pk=conversation.pk).opted_out and OptOutChange.objects.count() == 1
    words = optout.refusal(workspace, PERSON)
    assert words.startswith(f"Twilio refused a text to {PERSON} on ") and "(error 21610)" in words
    assert "START" in words


def test_the_refusal_is_empty_for_a_number_never_opted_out_and_another_workspaces_opt_out_is_not_ours(
        twilio, workspace, other_workspace):
    assert optout.refusal(workspace, PERSON) == ""
    texted(twilio, "STOP")
    assert optout.refusal(workspace, PERSON) != ""
    assert optout.refusal(other_workspace, PERSON) == ""


def test_stop_from_the_sandbox_phone_and_the_reply_is_refused_until_start(twilio, workspace):
    """As the issue's "done when" tells it: the person texts STOP from the sandbox phone (Twilio blocks
    the pair and answers), hubwire records it, and the next reply is refused, naming the reason."""
    twilio.text_in("Stop")
    run_jobs()
    conversation = Conversation.objects.get(phone=PERSON)
    assert conversation.opted_out and ledger() == [(True, "STOP", "Stop")]
    assert OptOut.objects.filter(recipient=PERSON).exists()  # Twilio's own blocklist, in the sandbox
    with pytest.raises(FieldError) as refused:
        compose.send_reply(conversation, "One more thing…", None)
    assert refused.value.errors == {"to": optout.refusal(workspace, PERSON)}  # the number's refusal, as composing
    assert not SmsMessage.objects.filter(direction="outbound").exists()

    twilio.text_in("START")
    run_jobs()
    conversation.refresh_from_db()
    assert not conversation.opted_out and optout.refusal(workspace, PERSON) == ""
    assert Message.objects.filter(direction="outbound-reply").count() == 2  # Twilio's own answers to both
