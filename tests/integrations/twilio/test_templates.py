"""Templates over HTTP against the sandbox Twilio: each built-in one and the business's own, filled from
the chosen contact and their appointment or invoice (the preview puts in the message box the text
that is sent), every missing value named before sending and never sent blank; the business's own
templates created, edited and deleted, bad ones named field by field."""

import html
import re
from datetime import datetime, timezone

import pytest

from hubwire.crm.services import documents, scheduling
from hubwire.integrations.twilio.models import SmsMessage, SmsTemplate
from hubwire.integrations.twilio.send import SmsSend
from hubwire.portal.services import access_set
from tests.conftest import SANDBOX_DB, logged_in
from tests.factories import crm_objects
from tests.integrations.twilio.conftest import send_and_run

pytestmark = SANDBOX_DB
FILL = "/integrations/twilio/compose/fill/"
SEND = "/integrations/twilio/compose/send/"
TEMPLATES = "/integrations/twilio/templates/"
TEXTAREA = re.compile(r'<textarea id="sms-body[^"]*" name="body"[^>]*>(.*?)</textarea>', re.S)


@pytest.fixture
def acme(workspace):
    objects = crm_objects(workspace)  # Maya at ACME (+12125551234), a draft invoice of 100.00 USD
    start = datetime(2030, 1, 7, 15, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in New York (EST)
    objects["appointment"] = scheduling.appointment_book(
        workspace=workspace, actor="test", title="Brand review", contact=objects["contacts"], start=start,
        end=start.replace(hour=16), time_zone="America/New_York")
    return objects


def message_box(response) -> str:
    """The text the composer's message box holds (what would be sent)."""
    return html.unescape(TEXTAREA.search(response.content.decode()).group(1))


def preview(client, **form) -> tuple[str, str]:
    response = client.post(FILL, form)
    assert response.status_code == 200, response.content.decode()[:2000]
    return message_box(response), response.content.decode()


def send_filled(client, twilio, **form):
    """Fill the template as the page does, then send exactly what the message box holds."""
    body, page = preview(client, **form)
    assert 'data-testid="sms-missing"' not in page
    message = send_and_run(client, body=body, to="", **form)
    [sent] = twilio.sent()
    assert sent.body == body == message.body and sent.to == "+12125551234"
    assert message.template == form["template"]
    return body


def test_the_appointment_reminder_says_when_in_the_appointments_own_zone(twilio, owner_client, acme):
    body = send_filled(owner_client, twilio, template="appointment_reminder", contact=acme["contacts"].pk,
                       appointment=acme["appointment"].pk)
    assert body == ("Hi Maya, a reminder of your appointment with Northwind on Mon, Jan 7, 2030 at 10:00 AM EST. "
                    "Reply to this message if you need to change it.")


def test_the_invoice_reminder_has_the_number_the_balance_and_the_portals_pay_link(twilio, owner_client, acme,
                                                                                  workspace, live_server):
    invoice = documents.invoice_send(invoice=acme["invoices"], actor="test")
    access_set(account=acme["accounts"], enabled=True, actor=None)
    body = send_filled(owner_client, twilio, template="invoice_reminder", contact=acme["contacts"].pk,
                       invoice=invoice.pk)
    link = f"{live_server.url}/portal/{workspace.pk}/invoices/{invoice.pk}/"
    assert body == (f"Hi Maya, invoice {invoice.number} from Northwind has 100.00 USD still to pay. "
                    f"You can pay it here: {link}")
    assert owner_client.get(link).status_code in (200, 302)  # the portal's page (a client signs in first)


def test_the_follow_up_needs_only_the_contact(twilio, owner_client, acme):
    body = send_filled(owner_client, twilio, template="follow_up", contact=acme["contacts"].pk)
    assert body.startswith("Hi Maya, thank you for your time today.") and "Northwind will get back to you" in body


@pytest.mark.parametrize("template, chosen, placeholder, why", [
    ("appointment_reminder", {}, "appointment.start", "choose the appointment the message is about"),
    ("invoice_reminder", {}, "invoice.number", "choose the invoice the message is about"),
    ("invoice_reminder", {"invoice": "draft"}, "invoice.pay_link",
     "invoice INV-0001 is a draft; clients see it in the portal"),
    ("invoice_reminder", {"invoice": "sent"}, "invoice.pay_link", "the Client Portal is off for ACME Creative Agency"),
])
def test_a_missing_value_is_named_before_sending_and_never_sent_blank(twilio, owner_client, acme, template, chosen,
                                                                     placeholder, why):
    form = {"template": template, "contact": acme["contacts"].pk}
    if chosen:
        invoice = acme["invoices"]
        if chosen["invoice"] == "sent":
            invoice = documents.invoice_send(invoice=invoice, actor="test")
        form["invoice"] = invoice.pk
    body, page = preview(owner_client, **form)
    assert 'data-testid="sms-missing"' in page and f'data-placeholder="{placeholder}"' in page
    assert why in html.unescape(page)
    assert "{{" + placeholder + "}}" in body  # left in place, never a blank
    refused = owner_client.post(SEND, {**form, "to": "", "body": body})
    assert refused.status_code == 422
    assert "{{" + placeholder + "}}: " + why in html.unescape(refused.content.decode())
    assert not SmsMessage.objects.exists() and twilio.creates() == []


def test_the_preview_with_htmx_is_the_composer_alone(twilio, owner_client, acme):
    response = owner_client.post(FILL, {"template": "follow_up", "contact": acme["contacts"].pk},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="sms-compose"') and "<html" not in page
    assert message_box(response).startswith("Hi Maya,")


def test_an_appointment_or_invoice_of_another_contact_is_refused(twilio, owner_client, acme, workspace):
    from hubwire.crm.services import people

    other = people.contact_create(workspace=workspace, actor="test", first_name="Lee", phone="+14155550123")
    response = owner_client.post(FILL, {"template": "appointment_reminder", "contact": other.pk,
                                        "appointment": acme["appointment"].pk})
    assert response.status_code == 422
    assert "This appointment is not Lee" in html.unescape(response.content.decode())


# --- the business's own -------------------------------------------------------------------------------

def test_an_own_template_is_created_offered_filled_sent_edited_and_deleted(twilio, owner_client, acme):
    created = owner_client.post(f"{TEMPLATES}new/", {"name": "  Running late ", "body": "Hi {{ contact.first_name }},"
                                                     "\r\nwe are 10 minutes late. {{business.name}}"})
    assert created.status_code == 302
    template = SmsTemplate.objects.get()
    assert (template.name, template.body) == ("Running late", "Hi {{ contact.first_name }},\nwe are 10 minutes "
                                                              "late. {{business.name}}")
    composer = owner_client.get("/integrations/twilio/compose/").content.decode()
    assert f'<option value="own-{template.pk}">Running late</option>' in composer
    body = send_filled(owner_client, twilio, template=f"own-{template.pk}", contact=acme["contacts"].pk)
    assert body == "Hi Maya,\nwe are 10 minutes late. Northwind"
    edited = owner_client.post(f"{TEMPLATES}{template.pk}/", {"name": "Late", "body": "Sorry, late."})
    assert edited.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.body) == ("Late", "Sorry, late.")
    assert owner_client.post(f"{TEMPLATES}{template.pk}/delete/").status_code == 302
    assert not SmsTemplate.objects.exists()
    assert SmsMessage.objects.get().template == f"own-{template.pk}"  # what was sent keeps its record


@pytest.mark.parametrize("posted, field, words", [
    ({"name": "", "body": "Hi"}, "name", "Give the template a name."),
    ({"name": "x" * 81, "body": "Hi"}, "name", "Keep the name to 80 characters."),
    ({"name": "follow-up", "body": "Hi"}, "name", "is a built-in template's name"),
    ({"name": "Taken", "body": "Hi"}, "name", "There is already a template called “Taken”."),
    ({"name": "New", "body": " "}, "body", "Write the template's message."),
    ({"name": "New", "body": "a" * 1601}, "body", "Twilio takes at most 1,600 characters"),
    ({"name": "New", "body": "Hi {{contact.nickname}} {{ invoice.total }}"}, "body",
     "Unknown placeholders: {{contact.nickname}}, {{invoice.total}}."),
    ({"name": "New", "body": "Hi\x00"}, "body", "must not contain NUL characters"),
    ({"name": "Bad\x00", "body": "Hi"}, "name", "must not contain NUL characters"),
])
def test_a_bad_own_template_is_named_field_by_field_and_nothing_is_saved(twilio, owner_client, workspace, posted,
                                                                        field, words):
    SmsTemplate.objects.create(workspace=workspace, name="Taken", body="Hello")
    response = owner_client.post(f"{TEMPLATES}new/", posted)
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert f'data-testid="sms-template-error-{field}"' in page and words in page
    assert list(SmsTemplate.objects.values_list("name", flat=True)) == ["Taken"]


def test_editing_to_a_bad_template_is_refused_and_keeps_the_saved_one(twilio, owner_client, workspace):
    template = SmsTemplate.objects.create(workspace=workspace, name="Mine", body="Hello")
    response = owner_client.post(f"{TEMPLATES}{template.pk}/", {"name": "Mine", "body": "{{nope}}"})
    assert response.status_code == 422 and 'data-testid="sms-template-error-body"' in response.content.decode()
    template.refresh_from_db()
    assert template.body == "Hello"


def test_another_workspaces_templates_are_not_found_nor_usable(twilio, owner_client, other_workspace):
    theirs = SmsTemplate.objects.create(workspace=other_workspace, name="Theirs", body="Secret text")
    assert owner_client.get(f"{TEMPLATES}{theirs.pk}/").status_code == 404
    assert owner_client.post(f"{TEMPLATES}{theirs.pk}/", {"name": "Mine", "body": "x"}).status_code == 404
    assert owner_client.post(f"{TEMPLATES}{theirs.pk}/delete/").status_code == 404
    filled = owner_client.post(FILL, {"template": f"own-{theirs.pk}", "to": "+14155550123"})
    assert filled.status_code == 422 and "Secret text" not in filled.content.decode()
    assert "Theirs" not in owner_client.get(TEMPLATES).content.decode()
    assert SmsTemplate.objects.get(pk=theirs.pk).body == "Secret text"


def test_a_member_may_write_templates(twilio, member, workspace):
    response = logged_in(member).post(f"{TEMPLATES}new/", {"name": "Thanks", "body": "Thank you!"})
    assert response.status_code == 302 and SmsTemplate.objects.filter(workspace=workspace, name="Thanks").exists()


def test_the_templates_page_lists_built_in_own_and_the_placeholders(twilio, owner_client, workspace):
    SmsTemplate.objects.create(workspace=workspace, name="Mine", body="Hello {{contact.first_name}}")
    page = html.unescape(owner_client.get(TEMPLATES).content.decode())
    for name in ("Appointment reminder", "Invoice reminder", "Follow-up", "Mine"):
        assert name in page
    for placeholder in ("{{contact.first_name}}", "{{appointment.start}}", "{{invoice.number}}", "{{invoice.balance}}",
                        "{{invoice.pay_link}}", "{{business.name}}"):
        assert placeholder in page
    assert not SmsSend.objects.exists()
