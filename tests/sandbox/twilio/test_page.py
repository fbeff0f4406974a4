"""The sandbox page's Twilio card: the account's numbers and where their texts go, a phone per number
texted (or typed in) with its conversation, and forms that do what a person or time does (a reply,
STOP, a new phone, delivering what is due, failing the next messages), calling what the test hooks
call; a form the sandbox cannot take is a 400 naming the field, with nothing written."""

import re

import pytest
from django.test import Client

from hubwire.sandbox.twilio.models import FailureRule, Message
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import BARE, PERSON, POOLED, SERVICE_SID, form_of, point, send, statuses

pytestmark = SANDBOX_DB


@pytest.fixture
def browser(sandbox):
    return Client()


def card(browser) -> str:
    html = browser.get("/sandbox/").content.decode()
    return html[html.index('data-testid="sandbox-twilio"'):]


def phone_section(html: str, phone: str) -> str:
    start = html.index(f'data-phone="{phone}"')
    end = html.find('data-testid="twilio-phone"', start)
    return html[start:end if end != -1 else None]


def test_the_card_shows_the_numbers_and_a_phone_per_number_texted(browser, api, messaging, receiver):
    messaging.post(f"/Services/{SERVICE_SID}", data={"InboundRequestUrl": receiver.url("/in")})
    send(api, To=PERSON, From=BARE, Body="Your invoice INV-7 is due.")
    send(api, To="+14155550199", From=POOLED, Body="Hello other")
    html = card(browser)
    assert html.count('data-testid="twilio-number"') == 3 and receiver.url("/in") in html
    assert html.count('data-testid="twilio-phone"') == 2
    mine = phone_section(html, PERSON)
    assert "Your invoice INV-7 is due." in mine and 'data-status="queued"' in mine
    assert "Hello other" not in mine
    assert f'<option value="{BARE}" selected>' in mine  # a reply goes to the number that texted


def test_a_reply_typed_on_the_phone_is_an_inbound_text_posted_to_the_number(browser, api, receiver):
    point(api, BARE, receiver.url("/in"))
    send(api, To=PERSON, From=BARE, Body="Can you make 10:00?")
    answer = browser.post("/sandbox/_twilio/text/", {"phone": PERSON, "to": BARE, "body": "Yes, see you then"})
    assert answer.status_code == 302 and answer["Location"].endswith("#twilio-phone-14155550123")
    [posted] = receiver.to("/in")
    assert (form_of(posted)["From"], form_of(posted)["Body"]) == (PERSON, "Yes, see you then")
    assert 'data-direction="inbound"' in phone_section(card(browser), PERSON)


def test_stop_typed_on_the_phone_opts_out_and_shows_it(browser, api):
    send(api, To=PERSON, From=BARE, Body="Promo")
    browser.post("/sandbox/_twilio/text/", {"phone": PERSON, "to": BARE, "body": "stop"})
    mine = phone_section(card(browser), PERSON)
    assert f"opted out of {BARE}" in mine and "successfully been unsubscribed" in mine
    assert api.post("/Messages.json", data={"To": PERSON, "From": BARE, "Body": "x"}).json()["code"] == 21610


def test_a_new_phone_can_text_first(browser):
    browser.post("/sandbox/_twilio/text/", {"phone": "+447700900123", "to": POOLED, "body": "Hi, who is this?"})
    mine = phone_section(card(browser), "+447700900123")
    assert "Hi, who is this?" in mine


@pytest.mark.parametrize(("form", "field"), [
    ({"phone": "0123 not a number", "to": BARE, "body": "hello"}, "phone"),
    ({"phone": PERSON, "to": "+19999999999", "body": "hello"}, "to"),
    ({"phone": PERSON, "to": BARE, "body": ""}, "body"),
    ({"phone": PERSON, "to": BARE, "body": "a" * 1601}, "body"),
    ({"phone": PERSON, "to": BARE, "body": "nul \x00"}, "body"),
])
def test_a_text_the_sandbox_cannot_take_is_a_400_naming_the_field(browser, form, field):
    answer = browser.post("/sandbox/_twilio/text/", form)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert re.search(rf'data-testid="twilio-error" data-field="{field}"', html)
    assert "Nothing was sent." in html
    assert not Message.objects.exists()
    if field != "body" or "\x00" not in form["body"]:
        assert form["body"][:50] in html  # what was typed is kept


def test_the_buttons_deliver_what_is_due_and_move_the_clock(sandbox, browser, api, receiver):
    send(api, To=PERSON, From=BARE, Body="x", StatusCallback=receiver.url("/status"))
    browser.post("/sandbox/_twilio/deliver-due/")
    assert statuses(receiver) == ["sending"]
    browser.post("/sandbox/_twilio/advance/", {"minutes": "1"})
    assert statuses(receiver) == ["sending", "sent", "delivered"]
    assert 'data-status="delivered"' in phone_section(card(browser), PERSON)
    assert browser.post("/sandbox/_twilio/advance/", {"minutes": "-5"}).status_code == 400
    assert browser.post("/sandbox/_twilio/advance/", {"minutes": "lots"}).status_code == 400


def test_the_fail_form_makes_the_next_messages_to_the_phone_fail(browser, api):
    send(api, To=PERSON, From=BARE, Body="x")
    browser.post("/sandbox/_twilio/fail-next/", {"phone": PERSON, "ending": "undelivered:30006", "count": "2"})
    rule = FailureRule.objects.get()
    assert (rule.to, rule.status, rule.error_code, rule.remaining) == (PERSON, "undelivered", 30006, 2)
    refused = browser.post("/sandbox/_twilio/fail-next/", {"phone": PERSON, "ending": "delivered:1", "count": "1"})
    assert refused.status_code == 400 and 'data-field="status"' in refused.content.decode()
    assert FailureRule.objects.count() == 1


def test_an_unknown_form_is_a_404_and_a_get_is_refused(browser):
    assert browser.post("/sandbox/_twilio/nonsense/").status_code == 404
    assert browser.get("/sandbox/_twilio/text/").status_code == 405


def test_the_card_is_not_served_when_the_sandbox_is_off(browser, settings):
    settings.HUBWIRE_SANDBOX = False
    assert browser.post("/sandbox/_twilio/deliver-due/").status_code == 404
