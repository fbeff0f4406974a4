"""Tenancy on every route of conversation_urls.py, found there rather than listed, so that a route added
later is covered the day it is added: signed out, a sign-in first; a member may read and reply but not
change quiet hours; another workspace's owner gets a 404 for this workspace's conversations and
changes nothing of this workspace with anything they send."""

import pytest

from hubwire.integrations.models import Connection
from hubwire.integrations.twilio import conversation_urls
from hubwire.integrations.twilio.models import Conversation, OptOutChange, SmsMessage
from tests.conftest import logged_in
from tests.integrations.provider_routes import routes as provider_routes
from tests.integrations.twilio.conversation_helpers import MAYA, connected, conversation_with

pytestmark = pytest.mark.django_db

OBJECT_PARAMETERS = {"conversation_id": lambda things: things["conversation"].pk}
# Routes a member (not an owner or admin) may POST to, each with the reason.
MEMBER_MAY_POST = {"twilio_conversation_reply": "texting a contact back is CRM work, under choices owners made"}
# Every field any of these forms takes, with values that would change something if accepted.
POSTED = {"body": "Hijacked", "quiet_hours": "", "quiet_start": "01:00", "quiet_end": "02:00", "shown_on": "tab"}


@pytest.fixture
def things(workspace):
    return {"connection": connected(workspace), "conversation": conversation_with(workspace, MAYA, received=2)}


def routes(things) -> list[tuple[str, str, bool]]:
    return provider_routes(conversation_urls, OBJECT_PARAMETERS, things)


def snapshot(workspace) -> dict:
    """Everything of the workspace a conversations route could change."""
    return {
        "config": Connection.objects.get(workspace=workspace, provider="twilio").details,
        "conversations": list(Conversation.objects.filter(workspace=workspace).values_list(
            "id", "unread", "opted_out", "contact_id", "last_message_at")),
        "messages": list(SmsMessage.objects.filter(workspace=workspace).values_list("id", "read_at", "status")),
        "ledger": OptOutChange.objects.filter(workspace=workspace).count(),
    }


def test_every_route_parameter_is_known(things):
    for pattern in conversation_urls.urlpatterns:
        unknown = set(pattern.pattern.converters) - set(OBJECT_PARAMETERS)
        assert not unknown, f"{pattern.name}: add {unknown} to OBJECT_PARAMETERS"
    assert {name for name, _, _ in routes(things)} == {
        "twilio_conversations", "twilio_conversation", "twilio_conversation_reply", "twilio_quiet_hours"}


def test_signed_out_every_route_asks_to_sign_in_first(things, workspace, client):
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        sign_in = [m for m, r in answers.items() if r.status_code == 302 and r["Location"].startswith("/login/?next=")]
        assert sign_in, (name, {m: r.status_code for m, r in answers.items()})
        assert all(r.status_code == 405 for m, r in answers.items() if m not in sign_in), name
    assert snapshot(workspace) == before


def test_a_member_gets_403_on_every_route_that_changes_something_but_may_reply(things, workspace, member):
    client = logged_in(member)
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        status = client.post(url, POSTED).status_code
        if name in MEMBER_MAY_POST:
            assert status == 302, (name, status)
            continue
        assert status in (403, 405), (name, status)
    assert SmsMessage.objects.filter(direction="outbound", author=member).count() == 1  # the reply
    after = snapshot(workspace)
    assert after["config"] == before["config"] and after["ledger"] == before["ledger"]


def test_another_workspace_gets_404_for_this_workspaces_conversations_and_changes_nothing_here(things, workspace,
                                                                                               outsider):
    client = logged_in(outsider)
    before = snapshot(workspace)
    for name, url, names_an_object in routes(things):
        answers = {method: getattr(client, method)(url, POSTED).status_code for method in ("get", "post")}
        if names_an_object:
            assert set(answers.values()) <= {404, 405} and 404 in answers.values(), (name, answers)
        else:  # a route of "my workspace": it acts on the outsider's own, never on this one
            assert set(answers.values()) <= {200, 302, 405}, (name, answers)
    listed = client.get("/integrations/twilio/conversations/")
    assert list(listed.context["sms_page"].object_list) == []
    assert MAYA not in listed.content.decode()
    assert snapshot(workspace) == before
