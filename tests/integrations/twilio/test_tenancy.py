"""Tenancy on every SMS route, found in twilio/urls.py rather than listed, so that a route another part
adds is covered the day it is added (the tab's, the conversations' and the composer's alike): signed
out, a sign-in first; a member, 403 on anything that changes the business's choices, while texting,
replying and writing templates stay open to the team; another workspace's owner, a 404 for this
workspace's objects and nothing of this workspace changed, or shown, by anything they send."""

import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.models import Connection
from hubwire.integrations.twilio import compose, compose_urls, conversation_urls
from hubwire.integrations.twilio import urls as twilio_urls
from hubwire.integrations.twilio.models import Conversation, OptOutChange, SmsMessage, SmsTemplate
from hubwire.integrations.twilio.send import SmsSend
from hubwire.sandbox.twilio.models import PhoneNumber, Service
from tests.conftest import SANDBOX_DB, logged_in
from tests.factories import crm_objects
from tests.integrations.provider_routes import routes as provider_routes
from tests.integrations.twilio.conftest import SERVICE_SID
from tests.integrations.twilio.conversation_helpers import MAYA, conversation_with

pytestmark = SANDBOX_DB

# What fills each route parameter: an object of the connected workspace. A route whose parameter is
# not here fails test_every_route_parameter_is_known: add it, with what it names.
OBJECT_PARAMETERS: dict = {
    "conversation_id": lambda things: things["conversation"].pk,
    "message_id": lambda things: things["message"].pk,
    "template_id": lambda things: things["template"].pk,
}
# Routes a member (not an owner or admin) may POST to, each with the reason.
TEAM_WORK = "writing texts and their templates is the team's daily work, under choices owners made"
MEMBER_MAY_POST: dict[str, str] = {
    "twilio_conversation_reply": "texting a contact back is CRM work, under choices owners made",
    **{pattern.name: TEAM_WORK for pattern in compose_urls.urlpatterns},
}
# What no one but this workspace may see on any page. (Not Maya's number: the composer's placeholder
# shows the same example number to everyone.)
SECRETS = ("Private words", "Our own words", "Maya", "ACME")


@pytest.fixture
def things(twilio, workspace):
    """The `twilio` workspace, its number chosen, its inbound URL then pointed away (so that a "Set it
    for me" acting on it would show); Maya's conversation with two texts unread, a text to her queued,
    and a template of the business's own."""
    PhoneNumber.objects.update(sms_url="")
    objects = crm_objects(workspace)  # Maya at ACME, +12125551234 (MAYA), her appointment and invoice
    conversation = conversation_with(workspace, MAYA, received=2, contact=objects["contacts"])
    message = compose.sms_send(workspace=workspace, to="", contact=objects["contacts"], body="Private words")
    template = SmsTemplate.objects.create(workspace=workspace, name="Ours", body="Our own words")
    return {**objects, "twilio": twilio, "conversation": conversation, "message": message, "template": template}


def posted(things) -> dict:
    """Every field any SMS form takes, naming this workspace's objects, with values that would change
    something if accepted."""
    return {"sender": SERVICE_SID, "set_inbound_url": "1", "mode": "",
            "body": "Hijacked", "quiet_hours": "", "quiet_start": "01:00", "quiet_end": "02:00", "shown_on": "tab",
            "to": "+14155550123", "name": "Hijacked", "contact": things["contacts"].pk,
            "appointment": things["appointments"].pk, "invoice": things["invoices"].pk,
            "template": f"own-{things['template'].pk}", "q": "Ma", "next": "/"}


def routes(things) -> list[tuple[str, str, bool]]:
    return provider_routes(twilio_urls, OBJECT_PARAMETERS, things)


def owners_choices(workspace) -> dict:
    """What only the workspace's owners and admins may change: the connection and its SMS choices,
    the audit log, the Twilio account's settings, and the opt-out ledger."""
    connection = Connection.objects.get(workspace=workspace, provider="twilio")
    return {
        "connection": (connection.status, connection.status_reason, connection.details, connection.credentials,
                       connection.account_name, connection.inbound_token_hash),
        "audit": AuditEntry.objects.filter(workspace=workspace).count(),
        "twilio": (list(PhoneNumber.objects.order_by("id").values_list("sms_url", "sms_method")),
                   list(Service.objects.values_list("inbound_request_url", "inbound_method"))),
        "ledger": OptOutChange.objects.filter(workspace=workspace).count(),
    }


def snapshot(workspace) -> dict:
    """Everything of the workspace, and of its Twilio account, an SMS route could change."""
    return {
        **owners_choices(workspace),
        "conversations": list(Conversation.objects.filter(workspace=workspace).order_by("id").values_list(
            "id", "phone", "unread", "opted_out", "contact_id", "last_message_at")),
        "messages": list(SmsMessage.objects.filter(workspace=workspace).order_by("id").values_list(
            "id", "body", "status", "read_at")),
        "jobs": SmsSend.objects.count(),
        "templates": list(SmsTemplate.objects.filter(workspace=workspace).order_by("id").values_list(
            "id", "name", "body")),
    }


def test_every_route_parameter_is_known(things):
    for pattern in twilio_urls.urlpatterns:
        unknown = set(pattern.pattern.converters) - set(OBJECT_PARAMETERS)
        assert not unknown, f"{pattern.name}: add {unknown} to OBJECT_PARAMETERS"
    walked = {name for name, _, _ in routes(things)}
    assert {"twilio_sender", "twilio_inbound_state", "twilio_inbound_url_set"} <= walked
    assert {p.name for p in [*conversation_urls.urlpatterns, *compose_urls.urlpatterns]} <= walked
    assert set(MEMBER_MAY_POST) <= walked


def test_signed_out_every_route_asks_to_sign_in_first(things, client, workspace):
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        answers = {method: getattr(client, method)(url, posted(things)) for method in ("get", "post")}
        sign_in = [m for m, r in answers.items() if r.status_code == 302 and r["Location"].startswith("/login/?next=")]
        assert sign_in, (name, {m: r.status_code for m, r in answers.items()})
        assert all(r.status_code == 405 for m, r in answers.items() if m not in sign_in), name  # the other method
    assert snapshot(workspace) == before


def test_a_member_gets_403_on_every_owners_route_and_may_text_reply_and_write_templates(things, member,
                                                                                            workspace):
    client = logged_in(member)
    before = owners_choices(workspace)
    for name, url, _ in routes(things):
        if name in MEMBER_MAY_POST:
            codes = {method: getattr(client, method)(url, posted(things)).status_code for method in ("get", "post")}
            assert 403 not in codes.values(), (name, codes)
            continue
        status = client.post(url, posted(things)).status_code
        assert status in (403, 405), (name, status)  # 405: a page that only shows (GET)
    assert owners_choices(workspace) == before
    assert SmsMessage.objects.filter(conversation=things["conversation"], direction="outbound", author=member,
                                     body="Hijacked").count() == 1  # the reply


def test_a_member_sees_the_inbound_state_but_no_chooser_and_no_set_it_for_me(things, member):
    client = logged_in(member)
    assert client.get("/integrations/twilio/sender/").status_code == 403
    state = client.get("/integrations/twilio/inbound-url/")
    assert state.status_code == 200 and 'data-matches="0"' in state.content.decode()
    assert 'data-testid="sms-set-inbound-url"' not in state.content.decode()
    tab = client.get("/integrations/twilio/").content.decode()
    assert "Only the workspace's owners and admins can choose what sends." not in tab  # a sender is chosen
    assert 'data-testid="sms-change-sender"' not in tab and 'data-testid="sms-inbound-url"' in tab


def test_another_workspace_gets_404_for_this_workspaces_objects_and_changes_nothing_here(things, outsider, workspace):
    client = logged_in(outsider)
    before = snapshot(workspace)
    token = things["twilio"].refresh().inbound_token
    for name, url, names_an_object in routes(things):
        answers = {method: getattr(client, method)(url, posted(things)) for method in ("get", "post")}
        codes = {method: response.status_code for method, response in answers.items()}
        if names_an_object:
            assert set(codes.values()) <= {404, 405} and 404 in codes.values(), (name, codes)
        else:  # a route of "my workspace": it acts on the outsider's own, which has no Twilio connection
            assert set(codes.values()) <= {200, 302, 404, 405, 422}, (name, codes)
        for response in answers.values():
            page = response.content.decode()
            assert token not in page, name
            for secret in SECRETS:
                assert secret not in page, (name, secret)
    listed = client.get("/integrations/twilio/conversations/")
    assert list(listed.context["sms_page"].object_list) == []
    assert snapshot(workspace) == before
    assert not SmsMessage.objects.exclude(workspace=workspace).exists()  # their workspace has no sender: nothing sent
