"""The conversations as the team sees them: the recent ones, newest first and paged, with unread and
opted-out marks; one conversation's thread, paged with the newest at the bottom, read by opening it;
its reply box (through compose.send_reply), refusing what cannot be sent with the reason; a contact's
conversation on its page; and the dashboard's count of unread texts."""

from datetime import timedelta

import pytest

from hubwire.crm.services import people
from hubwire.integrations.twilio import optout
from hubwire.integrations.twilio.conversations import conversation_mark_read
from hubwire.integrations.twilio.models import Conversation, SmsMessage, SmsStatus
from tests.conftest import logged_in
from tests.integrations.twilio.conversation_helpers import MAYA, SAM, START, connected, conversation_with

pytestmark = pytest.mark.django_db
def test_recent_conversations_newest_first_paged_with_unread_and_opted_out_marks(owner, workspace):
    maya = people.contact_create(workspace=workspace, actor="test", first_name="Maya", phone=MAYA)
    for n in range(26):
        conversation_with(workspace, f"+1415555{n:04d}", at=START + timedelta(hours=n), read=True)
    newest = conversation_with(workspace, MAYA, received=2, contact=maya, at=START + timedelta(days=2))
    optout.record(conversation_with(workspace, SAM, at=START - timedelta(days=1), read=True), opted_out=True,
                  source="STOP")
    client = logged_in(owner)

    first = client.get("/integrations/twilio/conversations/")
    rows = first.context["sms_page"].object_list
    assert [c.phone for c in rows][:3] == [MAYA, "+14155550025", "+14155550024"] and len(rows) == 25
    page = first.content.decode()
    assert page.count('data-testid="sms-conversation-row"') == 25
    assert 'data-testid="sms-unread">2 unread<' in page and page.count('data-testid="sms-unread"') == 1
    assert ">Maya</a>" in page and "text 2" in page  # the contact's name, and the last message

    second = client.get("/integrations/twilio/conversations/?page=2", headers={"HX-Request": "true"})
    assert [t.name for t in second.templates][0] == "twilio/_conversation_list.html"  # the pager swaps the list
    html = second.content.decode()
    assert html.count('data-testid="sms-conversation-row"') == 3
    assert f'data-phone="{SAM}"' in html and 'data-testid="sms-opted-out">Opted out<' in html
    assert newest.pk  # the newest stayed on the first page


def test_the_thread_is_paged_with_the_newest_at_the_bottom(owner, workspace):
    conversation = conversation_with(workspace, MAYA, received=52, sent=3)
    client = logged_in(owner)
    response = client.get(f"/integrations/twilio/conversations/{conversation.pk}/")
    assert [m.body for m in response.context["thread"]] == [f"text {n}" for n in range(6, 56)]
    page = response.content.decode()
    assert page.index("text 6<") < page.index("text 55<") and 'id="latest"' in page
    assert 'data-testid="sms-older"' in page and 'data-testid="sms-newer"' not in page

    older = client.get(f"/integrations/twilio/conversations/{conversation.pk}/?page=2")
    assert [m.body for m in older.context["thread"]] == [f"text {n}" for n in range(1, 6)]
    assert 'data-testid="sms-newer"' in older.content.decode()


def test_opening_a_conversation_marks_it_read_and_shows_what_was_new_once(owner, workspace):
    conversation = conversation_with(workspace, MAYA, received=53, read=False)
    client = logged_in(owner)
    older = client.get(f"/integrations/twilio/conversations/{conversation.pk}/?page=2")
    assert [m.body for m in older.context["thread"]] == ["text 1", "text 2", "text 3"]
    assert Conversation.objects.get(pk=conversation.pk).unread == 53  # an older page is not where the new ones are

    first = client.get(f"/integrations/twilio/conversations/{conversation.pk}/").content.decode()
    assert first.count('data-testid="sms-new"') == 50
    conversation.refresh_from_db()
    assert conversation.unread == 0
    assert not SmsMessage.objects.filter(conversation=conversation, read_at=None).exists()
    again = client.get(f"/integrations/twilio/conversations/{conversation.pk}/").content.decode()
    assert 'data-testid="sms-new"' not in again


def test_a_text_that_arrives_while_the_page_is_made_stays_unread(workspace):
    conversation = conversation_with(workspace, MAYA, received=2)
    shown, arrived = conversation.messages.order_by("created_at")
    conversation_mark_read(conversation, up_to=shown)
    assert Conversation.objects.get(pk=conversation.pk).unread == 1
    arrived.refresh_from_db()
    assert arrived.read_at is None


def test_a_reply_is_recorded_for_sending_with_its_author_and_count(owner, workspace):
    conversation = conversation_with(workspace, MAYA)
    connected(workspace)
    response = logged_in(owner).post(f"/integrations/twilio/conversations/{conversation.pk}/reply/",
                                     {"body": "See you at 10.\r\nBring the {brief}."})
    assert response.status_code == 302
    assert response["Location"] == f"/integrations/twilio/conversations/{conversation.pk}/#latest"
    reply = SmsMessage.objects.get(direction="outbound")
    assert (reply.conversation, reply.author, reply.body) == (conversation, owner, "See you at 10.\nBring the {brief}.")
    assert (reply.segments, reply.encoding, reply.status) == (1, "GSM-7", SmsStatus.WAITING)
    page = logged_in(owner).get(response["Location"]).content.decode()
    assert "Bring the {brief}." in page and "Waiting to send" in page


@pytest.mark.parametrize("body, words", [
    ("", "Write the reply to send."),  # not the composer's "or choose a template": the reply box has none
    ("   \r\n ", "Write the reply to send."),
    ("x" * 1601, "at most 1,600 characters"),
])
def test_a_reply_that_cannot_be_sent_is_refused_naming_the_field(owner, workspace, body, words):
    conversation = conversation_with(workspace, MAYA)
    connected(workspace)
    response = logged_in(owner).post(f"/integrations/twilio/conversations/{conversation.pk}/reply/", {"body": body})
    assert response.status_code == 422
    assert list(response.context["reply_errors"]) == ["body"] and words in response.context["reply_errors"]["body"]
    assert 'data-testid="sms-reply-error"' in response.content.decode()
    assert not SmsMessage.objects.filter(direction="outbound").exists()


def test_a_reply_to_an_opted_out_number_is_refused_with_the_reason(owner, workspace):
    conversation = conversation_with(workspace, MAYA)
    connected(workspace)
    optout.record(conversation, opted_out=True, source="STOP", message=conversation.messages.get())
    response = logged_in(owner).post(f"/integrations/twilio/conversations/{conversation.pk}/reply/",
                                     {"body": "Are you sure?"})
    assert response.status_code == 422
    # As the composer refuses it: the number's refusal on "to" (the conversation's number), in optout's words.
    assert response.context["reply_errors"] == {"to": optout.refusal(workspace, MAYA)}
    page = response.content.decode()
    assert 'aria-describedby="sms-reply-error"' in page and 'aria-invalid' not in page  # the text itself is fine
    assert "opted out of your texts by replying STOP" in page and 'data-testid="sms-opted-out"' in page
    assert 'value="Are you sure?"' in page or ">Are you sure?</textarea>" in page  # what was typed is kept
    assert not SmsMessage.objects.filter(direction="outbound").exists()


def test_a_reply_before_a_sender_is_chosen_is_refused_saying_so(owner, workspace):
    conversation = conversation_with(workspace, MAYA)
    response = logged_in(owner).post(f"/integrations/twilio/conversations/{conversation.pk}/reply/",
                                     {"body": "On my way"})
    assert response.status_code == 422
    assert list(response.context["reply_errors"]) == ["sender"]
    assert "Twilio is not connected" in response.content.decode()
    assert not SmsMessage.objects.filter(direction="outbound").exists()


def test_the_contact_page_shows_its_conversation(owner, workspace):
    maya = people.contact_create(workspace=workspace, actor="test", first_name="Maya", phone=MAYA)
    conversation = conversation_with(workspace, MAYA, received=7, sent=1, contact=maya)
    page = logged_in(owner).get(f"/contacts/{maya.pk}/").content.decode()
    assert 'data-testid="sms-contact-conversation"' in page and "7 unread" in page
    assert page.count('data-testid="sms-message"') == 5  # the last few; the rest on the conversation's page
    assert "text 8" in page and "text 3<" not in page
    assert f'href="/integrations/twilio/conversations/{conversation.pk}/"' in page

    sam = people.contact_create(workspace=workspace, actor="test", first_name="Sam", phone=SAM)
    conversation_with(workspace, SAM)  # texted before the contact was added: found by the number
    assert 'data-testid="sms-contact-conversation"' in logged_in(owner).get(f"/contacts/{sam.pk}/").content.decode()

    nobody = people.contact_create(workspace=workspace, actor="test", first_name="Ana", phone="+12025550123")
    assert "sms-contact-conversation" not in logged_in(owner).get(f"/contacts/{nobody.pk}/").content.decode()


def test_the_dashboard_counts_unread_texts(owner, workspace, other_workspace):
    client = logged_in(owner)
    assert 'data-testid="sms-unread-card"' not in client.get("/").content.decode()  # a business that does not text

    connected(workspace)
    assert 'data-testid="sms-unread-count">0<' in client.get("/").content.decode()
    conversation_with(workspace, MAYA, received=2)
    conversation_with(workspace, SAM, received=1)
    conversation_with(workspace, "+12025550123", received=4, read=True)
    conversation_with(other_workspace, MAYA, received=9)  # not ours
    page = client.get("/").content.decode()
    assert 'data-testid="sms-unread-count">3<' in page
    assert 'href="/integrations/twilio/conversations/" data-testid="sms-unread-card"' in page
