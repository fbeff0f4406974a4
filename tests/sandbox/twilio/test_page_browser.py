"""The sandbox page's Twilio phone in a real browser: a person reads what hubwire sent, types a reply
(the app's webhook receives it, signed), moves the message along to delivered, and types STOP."""

from playwright.sync_api import expect

from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import BARE, PERSON, form_of, point, send, signed_by_twilio

pytestmark = SANDBOX_DB


def test_a_person_reads_a_text_replies_and_opts_out_on_the_phone(page, sandbox, api, receiver):
    url = receiver.url("/sms")
    point(api, BARE, url)
    send(api, To=PERSON, From=BARE, Body="Reminder: your appointment is tomorrow at 10:00.")

    page.goto(f"{sandbox.base_url}/sandbox/")
    phone = page.locator(f'[data-testid="twilio-phone"][data-phone="{PERSON}"]')
    sent = phone.get_by_test_id("twilio-message").filter(has_text="Reminder: your appointment")
    expect(sent).to_have_attribute("data-status", "queued")

    page.get_by_test_id("twilio-deliver-everything").click()
    expect(sent).to_have_attribute("data-status", "delivered")

    phone.get_by_test_id("twilio-reply-body").fill("Yes, see you then")
    phone.get_by_test_id("twilio-reply").click()
    reply = phone.locator('[data-testid="twilio-message"][data-direction="inbound"]')
    expect(reply.get_by_test_id("twilio-message-body")).to_have_text("Yes, see you then")
    [posted] = receiver.to("/sms")
    assert signed_by_twilio(posted, url)
    assert (form_of(posted)["From"], form_of(posted)["To"], form_of(posted)["Body"]) == (PERSON, BARE,
                                                                                         "Yes, see you then")

    phone.get_by_test_id("twilio-reply-body").fill("STOP")
    phone.get_by_test_id("twilio-reply").click()
    expect(phone.get_by_test_id("twilio-opted-out")).to_have_text(f"opted out of {BARE}")
    expect(phone.get_by_test_id("twilio-message").last).to_contain_text("successfully been unsubscribed")
    assert [form_of(r)["Body"] for r in receiver.to("/sms")] == ["Yes, see you then", "STOP"]
    assert api.post("/Messages.json", data={"To": PERSON, "From": BARE, "Body": "x"}).json()["code"] == 21610
