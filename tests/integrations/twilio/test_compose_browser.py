"""The composer in a real browser: on a contact's page, an appointment reminder is chosen (the
appointment it needs is named until it is chosen), filled in, counted as it is sent, sent, and its
status line follows it to Delivered without a reload; on the composer's page, a contact found by name
puts their number in the To box."""

from datetime import datetime, timezone

from hubwire.crm.services import scheduling
from hubwire.integrations.twilio.models import SmsMessage
from hubwire.integrations.twilio.segments import segments
from tests.conftest import SANDBOX_DB, sign_in
from tests.factories import crm_objects
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB


def test_an_appointment_reminder_from_the_contact_page_is_filled_counted_sent_and_delivered(page, twilio, owner,
                                                                                           workspace):
    maya = crm_objects(workspace)["contacts"]
    start = datetime(2030, 1, 7, 15, 0, tzinfo=timezone.utc)
    appointment = scheduling.appointment_book(workspace=workspace, actor="test", title="Brand review", contact=maya,
                                              start=start, end=start.replace(hour=16), time_zone="America/New_York")
    base = twilio.sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/contacts/{maya.pk}/")
    card = page.get_by_test_id("sms-card")
    assert card.get_by_test_id("sms-to").input_value() == "+12125551234"
    page.evaluate("window.notReloaded = true")

    card.get_by_test_id("sms-template").select_option("appointment_reminder")
    page.wait_for_selector("[data-testid=sms-missing] [data-placeholder='appointment.start']")
    assert "{{appointment.start}}" in card.get_by_test_id("sms-body").input_value()

    card.get_by_test_id("sms-appointment").select_option(str(appointment.pk))
    page.wait_for_function("!document.querySelector('[data-testid=sms-missing]')")
    body = card.get_by_test_id("sms-body").input_value()
    assert body == ("Hi Maya, a reminder of your appointment with Northwind on Mon, Jan 7, 2030 at 10:00 AM EST. "
                    "Reply to this message if you need to change it.")
    assert card.get_by_test_id("sms-counter").locator("[data-sms-summary]").inner_text() == segments(body).summary

    card.get_by_test_id("sms-body").fill(body + " \U0001F600")  # an emoji: the page counts it as typed
    assert "UCS-2" in card.get_by_test_id("sms-counter").get_attribute("data-encoding")
    card.get_by_test_id("sms-body").fill(body)
    card.get_by_test_id("sms-send").click()
    page.wait_for_selector("[data-testid=sms-sent]")
    message = SmsMessage.objects.get()
    assert (message.body, message.segments, message.template) == (body, segments(body).segments,
                                                                   "appointment_reminder")
    assert page.get_by_test_id("sms-status").get_attribute("data-status") == "waiting"

    run_jobs()  # the worker sends it
    page.wait_for_selector("[data-testid=sms-status][data-status=queued]")
    twilio.advance(everything=True)  # Twilio sends and the handset confirms: callbacks to hubwire
    run_jobs()
    page.wait_for_selector("[data-testid=sms-status][data-status=delivered]")
    assert page.get_by_test_id("sms-status-label").inner_text() == "Delivered"
    assert page.evaluate("window.notReloaded") is True


def test_a_contact_found_by_name_on_the_composer_page_is_texted_at_their_number(page, twilio, owner, workspace):
    maya = crm_objects(workspace)["contacts"]
    base = twilio.sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/twilio/compose/")
    page.get_by_test_id("sms-contact-search").fill("may")
    page.get_by_test_id("sms-contact-choice").click()
    page.wait_for_selector("[data-testid=sms-contact]")
    assert page.get_by_test_id("sms-to").input_value() == maya.phone
    page.get_by_test_id("sms-body").fill("See you at 5")
    page.get_by_test_id("sms-send").click()
    page.wait_for_selector("[data-testid=sms-sent]")
    message = SmsMessage.objects.get()
    assert (message.conversation.phone, message.conversation.contact_id) == (maya.phone, maya.pk)
