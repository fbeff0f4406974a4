"""In a real browser, as the issue's story goes: Maya texts the business from the sandbox phone; the
owner sees the unread text counted on the dashboard, opens the conversations and then Maya's, reads the
text marked new, and replies with the live counter showing what the reply costs; the reply appears at
the bottom of the thread and the conversation is read; Maya's contact page shows it too. No page has a
serious accessibility violation."""

import re

from hubwire.crm.services import people
from hubwire.integrations.twilio.models import Conversation, SmsMessage
from hubwire.integrations.twilio.segments import segments
from tests.conftest import SANDBOX_DB, sign_in
from tests.integrations.meetings import run_jobs
from tests.integrations.twilio.conftest import PERSON
from tests.test_accessibility import axe_script, serious_violations  # noqa: F401  (axe_script: a fixture)

pytestmark = SANDBOX_DB
REPLY = "No problem — see you at 10:15."


def test_open_the_conversation_see_the_text_and_reply(page, twilio, owner, workspace, axe_script):
    maya = people.contact_create(workspace=workspace, actor="test", first_name="Maya", last_name="Patel", phone=PERSON)
    twilio.text_in("Running 5 minutes late, sorry!")
    run_jobs()  # what the worker does with the stored webhook
    base = twilio.sandbox.base_url
    sign_in(page, base, owner)

    assert page.get_by_test_id("sms-unread-count").inner_text() == "1"
    page.get_by_test_id("sms-unread-card").click()
    page.wait_for_url(f"{base}/integrations/twilio/conversations/")
    row = page.get_by_test_id("sms-conversation-row")
    assert "Maya Patel" in row.inner_text() and row.get_by_test_id("sms-unread").inner_text() == "1 unread"
    found = serious_violations(page, axe_script, page.url)

    page.get_by_role("link", name="Maya Patel").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/integrations/twilio/conversations/\d+/$"))
    latest = page.get_by_test_id("sms-message").last
    assert latest.get_by_test_id("sms-body").inner_text() == "Running 5 minutes late, sorry!"
    assert latest.get_by_test_id("sms-new").is_visible()

    page.fill("#sms-reply-body", REPLY)
    summary = page.get_by_test_id("sms-counter").locator("[data-sms-summary]")
    page.wait_for_function("([el, text]) => el.textContent === text",
                           arg=[summary.element_handle(), segments(REPLY).summary])  # the em dash: Unicode
    page.get_by_test_id("sms-send-reply").click()
    page.wait_for_url(re.compile(r".*/conversations/\d+/#latest$"))
    latest = page.get_by_test_id("sms-message").last
    assert latest.get_attribute("data-direction") == "outbound"
    assert latest.get_by_test_id("sms-body").inner_text() == REPLY
    assert page.get_by_test_id("sms-new").count() == 0  # read when it was opened
    found += serious_violations(page, axe_script, page.url)
    found += serious_violations(page, axe_script, f"{base}/contacts/{maya.pk}/")  # her page shows the conversation
    on_her_page = page.get_by_test_id("sms-contact-conversation").get_by_test_id("sms-message").last
    assert on_her_page.inner_text().endswith(REPLY)

    conversation = Conversation.objects.get(phone=PERSON)
    assert conversation.unread == 0
    reply = SmsMessage.objects.get(direction="outbound")
    assert (reply.author, reply.body, reply.encoding) == (owner, REPLY, "UCS-2")
    assert found == [], "\n".join(found)
