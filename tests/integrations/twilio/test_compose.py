"""The composer over HTTP against the sandbox Twilio: a custom text goes to the number typed (E.164 or
local form) or to the chosen contact's, counted as the page counted it; every refusal names its field
and writes nothing."""

import html

import pytest

from hubwire.crm.services import people
from hubwire.integrations.twilio import optout
from hubwire.integrations.twilio.models import Conversation, SmsMessage, SmsStatus
from hubwire.integrations.twilio.segments import line_breaks_as_typed, segments
from hubwire.integrations.twilio.send import SmsSend
from tests.conftest import SANDBOX_DB
from tests.factories import crm_objects
from tests.integrations.twilio.conftest import BARE, send_and_run

pytestmark = SANDBOX_DB
SEND = "/integrations/twilio/compose/send/"


@pytest.fixture
def maya(workspace):
    return crm_objects(workspace)["contacts"]  # Maya at ACME, +12125551234


def test_a_custom_text_is_sent_as_typed_and_counted_as_the_page_counted_it(twilio, owner_client):
    typed = "Hi Maya,\r\nyour order is ready: pick it up at 5 {today}."  # the browser posts CR LF
    message = send_and_run(owner_client, to="+14155550123", body=typed)
    as_typed = line_breaks_as_typed(typed)
    count = segments(as_typed)
    assert (message.body, message.segments, message.encoding) == (as_typed, count.segments, count.encoding)
    assert (message.status, message.sender, message.direction) == (SmsStatus.QUEUED, BARE, "outbound")
    [sent] = twilio.sent()
    assert (sent.to, sent.from_number, sent.body, sent.status_callback) == ("+14155550123", BARE, as_typed,
                                                                            twilio.inbound_url)
    assert message.twilio_sid == sent.sid and sent.segments == count.segments
    assert message.conversation.phone == "+14155550123" and message.author.email == "owner@example.test"
    assert SmsSend.objects.get(message=message).outcome == f"sent: Twilio took it as {sent.sid}"


def test_a_number_typed_in_local_form_is_read_in_the_default_region(twilio, owner_client, settings):
    settings.HUBWIRE_DEFAULT_PHONE_REGION = "US"
    message = send_and_run(owner_client, to="(415) 555-0123", body="Your table is ready.")
    assert message.conversation.phone == "+14155550123"
    assert [m.to for m in twilio.sent()] == ["+14155550123"]


def test_a_contact_chosen_by_name_is_texted_at_their_number(twilio, owner_client, maya):
    found = owner_client.get("/integrations/twilio/compose/contacts/", {"q": "may"})
    assert found.status_code == 200
    assert f'value="{maya.pk}"' in found.content.decode() and "+12125551234" in found.content.decode()
    filled = owner_client.post("/integrations/twilio/compose/fill/", {"contact": maya.pk, "to": ""})
    assert 'value="+12125551234"' in filled.content.decode()  # the To box has their number
    message = send_and_run(owner_client, contact=maya.pk, to="", body="See you soon")
    assert message.conversation.phone == maya.phone and message.conversation.contact == maya
    assert [m.to for m in twilio.sent()] == [maya.phone]


def test_a_number_typed_without_a_contact_is_attached_to_the_contact_who_has_it(twilio, owner_client, maya):
    message = send_and_run(owner_client, to="+1 212 555 1234", body="Hello")
    assert message.conversation.contact == maya


def nothing_written(twilio) -> None:
    assert not SmsMessage.objects.exists() and not SmsSend.objects.exists()
    assert twilio.creates() == []


@pytest.mark.parametrize("form, field, words", [
    ({"to": "+14155550123", "body": ""}, "body", "Write a message, or choose a template."),
    ({"to": "+14155550123", "body": "   \r\n  "}, "body", "Write a message, or choose a template."),
    ({"to": "+14155550123", "body": "a" * 1601}, "body", "Twilio takes at most 1,600 characters in one message. "
                                                          "Shorten it by 1."),
    ({"to": "+14155550123", "body": "😀" * 801}, "body", "Shorten it by 2."),  # 1,602 UTF-16 units
    ({"to": "", "body": "Hi"}, "to", "Type a phone number, or choose a contact."),
    ({"to": "12", "body": "Hi"}, "to", "is not a valid phone number"),
    ({"to": "+999 123", "body": "Hi"}, "to", "is not a valid phone number"),
    ({"to": "+14155550123", "body": "Hi {{contact.first_name}}"}, "body", "{{contact.first_name}}: choose the contact"),
    ({"to": "+14155550123", "body": "Hi", "template": "own-999999"}, "template", "Choose one of the templates"),
    ({"to": "+14155550123", "body": "Hi", "contact": "999999"}, "contact", "No contact with id 999999"),
    ({"to": "+14155550123", "body": "Hi\x00"}, "body", "must not contain NUL characters"),
])
def test_each_refusal_names_its_field_and_writes_nothing(twilio, owner_client, form, field, words):
    response = owner_client.post(SEND, form)
    assert response.status_code == 422
    page = response.content.decode()
    assert f'data-testid="sms-error-{field}"' in page
    assert words.replace("&", "&amp;") in page.replace("&#x27;", "'").replace("&quot;", '"')
    nothing_written(twilio)


def test_no_sender_chosen_is_refused_naming_the_sender(twilio_connected, owner_client):
    response = owner_client.post(SEND, {"to": "+14155550123", "body": "Hi"})
    assert response.status_code == 422
    assert 'data-testid="sms-error-sender"' in response.content.decode()
    assert "Choose the number or Messaging Service that sends your texts" in response.content.decode()
    nothing_written(twilio_connected)


def test_without_twilio_connected_the_composer_says_so_and_sends_nothing(sandbox, owner_client):
    response = owner_client.post(SEND, {"to": "+14155550123", "body": "Hi"})
    assert response.status_code == 422
    assert "Twilio is not connected" in response.content.decode()
    assert not SmsMessage.objects.exists()


def test_an_opted_out_number_is_shown_and_refused(twilio, owner_client, maya):
    conversation = Conversation.objects.create(workspace=twilio.workspace, phone=maya.phone, contact=maya)
    optout.record(conversation, opted_out=True, source="STOP")
    refusal = html.escape(optout.refusal(twilio.workspace, maya.phone))
    assert "opted out of your texts by replying STOP" in refusal
    shown = owner_client.post("/integrations/twilio/compose/fill/", {"contact": maya.pk, "to": ""}).content.decode()
    assert 'data-testid="sms-opted-out"' in shown and refusal in shown
    response = owner_client.post(SEND, {"contact": maya.pk, "to": "", "body": "Hi"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="sms-error-to"' in page and refusal in page
    nothing_written(twilio)


def test_every_problem_is_named_at_once(twilio, owner_client):
    response = owner_client.post(SEND, {"to": "12", "body": "", "template": "nope"})
    assert response.status_code == 422
    page = response.content.decode()
    for field in ("to", "body", "template"):
        assert f'data-testid="sms-error-{field}"' in page
    nothing_written(twilio)


def test_another_workspaces_contact_appointment_and_invoice_are_field_errors(twilio, owner_client, other_workspace):
    theirs = crm_objects(other_workspace)
    response = owner_client.post(SEND, {"to": "", "body": "Hi", "contact": theirs["contacts"].pk,
                                        "appointment": theirs["appointments"].pk, "invoice": theirs["invoices"].pk})
    assert response.status_code == 422
    page = response.content.decode()
    for field in ("contact", "appointment", "invoice"):
        assert f'data-testid="sms-error-{field}"' in page
    assert "Maya" not in page and "ACME" not in page  # nothing of theirs is shown
    nothing_written(twilio)


def test_the_contact_page_has_an_sms_card_with_their_number(twilio, owner_client, maya):
    page = owner_client.get(f"/contacts/{maya.pk}/").content.decode()
    assert 'data-testid="sms-card"' in page
    assert f'id="sms-compose-contact-{maya.pk}"' in page and 'value="+12125551234"' in page
    response = owner_client.post(SEND, {"contact": maya.pk, "fixed_contact": "1", "to": maya.phone,
                                        "body": "From your page", "next": f"/contacts/{maya.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/contacts/{maya.pk}/"


def test_the_contact_page_has_no_sms_card_before_twilio_is_connected(owner_client, maya):
    assert 'data-testid="sms-card"' not in owner_client.get(f"/contacts/{maya.pk}/").content.decode()


def test_sending_with_htmx_answers_the_composer_with_the_texts_status(twilio, owner_client):
    response = owner_client.post(SEND, {"to": "+14155550123", "body": "Hi"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    message = SmsMessage.objects.get()
    assert 'data-testid="sms-sent"' in page and f"/integrations/twilio/messages/{message.pk}/status/" in page
    refused = owner_client.post(SEND, {"to": "+14155550123", "body": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and 'data-testid="sms-error-body"' in refused.content.decode()


def test_a_member_may_send(twilio, member, workspace):
    from tests.conftest import logged_in

    message = send_and_run(logged_in(member), to="+14155550123", body="From a member")
    assert message.status == SmsStatus.QUEUED and message.author == member


def test_the_contacts_number_is_used_when_the_to_box_is_empty_and_a_contact_without_one_is_named(
        twilio, owner_client, workspace):
    nameless = people.contact_create(workspace=workspace, actor="test", first_name="Noor")
    response = owner_client.post(SEND, {"contact": nameless.pk, "to": "", "body": "Hi"})
    assert response.status_code == 422
    assert "Noor has no phone number in hubwire" in response.content.decode()
    nothing_written(twilio)


def test_the_sms_tabs_compose_section_is_the_composer_of_the_requests_workspace(twilio, owner, workspace, rf):
    from django.template.loader import render_to_string

    request = rf.get("/integrations/twilio/")
    request.user, request.workspace = owner, workspace
    section = render_to_string("twilio/_compose.html", request=request)
    assert 'data-testid="sms-compose-section"' in section and 'id="sms-compose"' in section
    assert 'name="csrfmiddlewaretoken"' in section and "Sent from (202) 555-0101." in section
    assert 'data-sms-counter' in section and "Appointment reminder" in section


def test_without_javascript_find_lists_the_contacts_called_so(twilio, owner_client, maya):
    page = owner_client.get("/integrations/twilio/compose/", {"q": "Maya", "body": "kept"}).content.decode()
    assert 'data-testid="sms-contact-choice"' in page and f'value="{maya.pk}"' in page
    assert ">kept</textarea>" in page  # what was typed stays
    nobody = owner_client.get("/integrations/twilio/compose/", {"q": "Zed"}).content.decode()
    assert 'data-testid="sms-no-contacts"' in nobody

