"""Opt-outs as Twilio does them (providers.md §6.3): a single-word STOP, STOPALL, UNSUBSCRIBE, CANCEL,
END or QUIT, in any case, blocks the pair (the whole Messaging Service when the number is in one),
still reaches the app's webhook, and gets Twilio's automatic reply; a later send is refused 400
21610; START, YES or UNSTOP lifts it; HELP and INFO only get a reply."""

import pytest

from hubwire.sandbox.twilio.models import Message, OptOut
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import (BARE, PERSON, POOLED, POOLED_TOO, SERVICE_SID, assert_twilio_error,
                                           form_of, point, send, text_in)

pytestmark = SANDBOX_DB
OPT_OUT = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]
OPT_IN = ["START", "YES", "UNSTOP"]


def cases(word: str) -> list[str]:
    return [word, word.lower(), word.capitalize(), f"  {word.lower()}\n"]


def refused(api, **params) -> None:
    assert_twilio_error(api.post("/Messages.json", data={"To": PERSON, "Body": "x", **params}), 400, 21610)


def auto_replies(number: str = BARE) -> list[str]:
    return list(Message.objects.filter(direction="outbound-reply", from_number=number, to=PERSON)
                .order_by("id").values_list("body", flat=True))


@pytest.mark.parametrize("keyword", [case for word in OPT_OUT for case in cases(word)])
def test_each_opt_out_keyword_in_any_case_blocks_the_pair_and_is_still_forwarded(sandbox, api, receiver, keyword):
    point(api, BARE, receiver.url("/inbound"))
    text_in(sandbox, keyword)
    refused(api, From=BARE)
    assert [form_of(r)["Body"] for r in receiver.to("/inbound")] == [keyword]  # the app still hears it
    assert auto_replies() == ["You have successfully been unsubscribed. You will not receive any more messages from "
                              "this number. Reply START to resubscribe."]
    assert send(api, To=PERSON, From=POOLED, Body="another number")["status"] == "queued"  # only that pair


@pytest.mark.parametrize("keyword", [case for word in OPT_IN for case in cases(word)])
def test_each_opt_in_keyword_in_any_case_lifts_the_block(sandbox, api, keyword):
    text_in(sandbox, "STOP")
    refused(api, From=BARE)
    text_in(sandbox, keyword)
    assert send(api, To=PERSON, From=BARE, Body="welcome back")["status"] == "queued"
    assert auto_replies()[-1].startswith("You have successfully been re-subscribed")


@pytest.mark.parametrize("body", ["STOP please", "Stop.", "stopp", "don't stop", "START STOP"])
def test_a_keyword_with_anything_beside_it_is_an_ordinary_message(sandbox, api, body):
    text_in(sandbox, body)
    assert send(api, To=PERSON, From=BARE, Body="still allowed")["status"] == "queued"
    assert auto_replies() == [] and not OptOut.objects.exists()


@pytest.mark.parametrize("keyword", ["HELP", "help", "Info", "INFO"])
def test_help_and_info_get_a_reply_and_block_nothing(sandbox, api, keyword):
    text_in(sandbox, keyword)
    assert auto_replies() == ["Reply STOP to unsubscribe. Msg&Data Rates May Apply."]
    assert send(api, To=PERSON, From=BARE, Body="still allowed")["status"] == "queued"


def test_stop_to_a_number_of_a_service_opts_out_of_the_whole_service(sandbox, api):
    text_in(sandbox, "stop", to=POOLED)
    refused(api, MessagingServiceSid=SERVICE_SID)
    refused(api, From=POOLED_TOO)  # the other number of the Service
    refused(api, From=POOLED)
    assert send(api, To=PERSON, From=BARE, Body="not in the service")["status"] == "queued"
    assert list(OptOut.objects.values_list("scope", "recipient")) == [(SERVICE_SID, PERSON)]

    text_in(sandbox, "unstop", to=POOLED_TOO)
    assert send(api, To=PERSON, MessagingServiceSid=SERVICE_SID, Body="back")["status"] == "accepted"


def test_the_auto_reply_leaves_from_the_number_like_any_message(sandbox, api):
    text_in(sandbox, "STOP")
    reply = api.get("/Messages.json", params={"From": BARE}).json()["messages"][0]
    assert (reply["direction"], reply["to"], reply["status"]) == ("outbound-reply", PERSON, "queued")
