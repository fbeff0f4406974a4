"""Texts people send, over HTTP as Twilio posts them and processed as a worker does: one conversation
per phone number in a workspace, attached to the workspace's contact with that number (never another
workspace's), counted unread, with its last message's time; and the event `sms.received`."""

from hubwire.crm.models import Activity
from hubwire.crm.services import people
from hubwire.events import catalog
from hubwire.events.models import Event
from hubwire.integrations.twilio.models import Conversation, SmsMessage
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.meetings import run_jobs
from tests.integrations.twilio.conftest import PERSON, connect

pytestmark = SANDBOX_DB
SOMEONE_ELSE = "+14155550199"


def text(twilio, body: str, *, person: str = PERSON) -> dict:
    """`person` texts the business; processed as the worker does. The webhook's parameters."""
    params = twilio.post_text(body, person=person)
    run_jobs()
    return params


def test_texts_from_one_number_are_one_conversation_and_another_number_is_another(twilio, workspace):
    first, second = text(twilio, "Hi, it's Maya"), text(twilio, "Are you open Saturday?")
    conversation = Conversation.objects.get(phone=PERSON)
    assert conversation.unread == 2
    assert [m.body for m in conversation.messages.order_by("created_at")] == ["Hi, it's Maya", "Are you open Saturday?"]
    assert [m.twilio_sid for m in conversation.messages.order_by("created_at")] == [first["MessageSid"],
                                                                                    second["MessageSid"]]
    assert conversation.last_message_at == conversation.messages.latest("created_at").created_at

    text(twilio, "Wrong number?", person=SOMEONE_ELSE)
    assert Conversation.objects.filter(workspace=workspace).count() == 2
    assert Conversation.objects.get(phone=SOMEONE_ELSE).unread == 1
    assert Conversation.objects.get(phone=PERSON).unread == 2


def test_the_contact_is_found_by_number_even_when_added_after_the_first_text(twilio, workspace):
    text(twilio, "Hello?")
    conversation = Conversation.objects.get()
    assert conversation.contact is None

    maya = people.contact_create(workspace=workspace, actor="test", first_name="Maya", phone=PERSON)
    text(twilio, "It's Maya from ACME")
    conversation.refresh_from_db()
    assert conversation.contact == maya

    maya.delete()  # the contact goes; the conversation stays, and finds the next one with the number
    conversation.refresh_from_db()
    assert conversation.contact is None
    first, _ = (people.contact_create(workspace=workspace, actor="test", first_name=name, phone=PERSON)
                for name in ("Maya", "Sam"))
    text(twilio, "Still me")
    conversation.refresh_from_db()
    assert conversation.contact == first  # of two contacts with the number, the oldest, every time


def test_another_workspaces_contact_with_the_number_is_never_attached(twilio, other_workspace):
    people.contact_create(workspace=other_workspace, actor="test", first_name="Stranger", phone=PERSON)
    text(twilio, "Hi")
    assert Conversation.objects.get().contact is None


def test_each_workspace_has_its_own_conversation_with_a_number(twilio, workspace, other_workspace, outsider):
    """Two businesses on one Twilio account, each with its own connection URL: the same person texting
    both is two conversations, one in each workspace."""
    other = connect(logged_in(outsider), other_workspace, twilio.sandbox)
    text(twilio, "To Northwind")
    text(other, "To Elsewhere")
    assert sorted(Conversation.objects.values_list("workspace__name", "phone", "unread")) == [
        ("Elsewhere Inc", PERSON, 1), ("Northwind", PERSON, 1)]
    assert SmsMessage.objects.get(body="To Elsewhere").workspace == other_workspace


def test_sms_received_is_in_the_catalog_and_emitted_with_the_message(twilio, workspace):
    assert "sms.received" in catalog.CATALOG
    schema = catalog.get("sms.received").schema
    assert set(schema["required"]) == {"id", "conversation_id", "contact_id", "phone", "to", "body", "segments",
                                       "encoding", "twilio_sid", "opted_out", "received_at"}

    account = people.account_create(workspace=workspace, actor="test", name="ACME Creative Agency")
    maya = people.contact_create(workspace=workspace, actor="test", account=account, first_name="Maya", phone=PERSON)
    params = text(twilio, "Running late {sorry}")
    [event] = Event.objects.filter(type="sms.received")
    message = SmsMessage.objects.get()
    assert event.workspace == workspace and event.version == 1
    assert event.data == {
        "id": message.pk, "conversation_id": message.conversation_id, "contact_id": maya.pk, "phone": PERSON,
        "to": twilio.sender, "body": "Running late {sorry}", "segments": 1, "encoding": "GSM-7",
        "twilio_sid": params["MessageSid"], "opted_out": False,
        "received_at": message.created_at.isoformat().replace("+00:00", "Z")}
    assert Activity.objects.get(event=event).account == account  # on ACME's timeline, through the contact
