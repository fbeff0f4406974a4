"""Tenancy on every route of the composer and the templates (compose_urls.py, found rather than
listed, so that a route added later is covered): signed out, a sign-in first; another workspace's
owner, a 404 for this workspace's objects and nothing of this workspace sent, changed or shown,
whatever they post. (Members may use every route: writing texts and templates is the team's work.)"""

import pytest

from hubwire.integrations.twilio import compose, compose_urls
from hubwire.integrations.twilio.models import Conversation, SmsMessage, SmsTemplate
from hubwire.integrations.twilio.send import SmsSend
from tests.conftest import SANDBOX_DB, logged_in
from tests.factories import crm_objects
from tests.integrations.provider_routes import routes as provider_routes
from tests.integrations.twilio.send_fixtures import twilio  # noqa: F401

pytestmark = SANDBOX_DB

OBJECT_PARAMETERS = {
    "message_id": lambda things: things["message"].pk,
    "template_id": lambda things: things["template"].pk,
}


@pytest.fixture
def things(twilio, workspace):
    objects = crm_objects(workspace)
    message = compose.sms_send(workspace=workspace, to="", contact=objects["contacts"], body="Private words")
    template = SmsTemplate.objects.create(workspace=workspace, name="Ours", body="Our own words")
    return {**objects, "message": message, "template": template}


def posted(things) -> dict:
    """Every field any composer or template form takes, naming this workspace's objects."""
    return {"to": "+14155550123", "body": "Hijacked", "name": "Hijacked", "contact": things["contacts"].pk,
            "appointment": things["appointments"].pk, "invoice": things["invoices"].pk,
            "template": f"own-{things['template'].pk}", "q": "Ma", "next": "/"}


def routes(things):
    return provider_routes(compose_urls, OBJECT_PARAMETERS, things)


def snapshot(workspace) -> dict:
    return {"messages": list(SmsMessage.objects.filter(workspace=workspace).values_list("id", "body", "status")),
            "jobs": SmsSend.objects.count(),
            "conversations": list(Conversation.objects.filter(workspace=workspace).values_list("id", "phone")),
            "templates": list(SmsTemplate.objects.filter(workspace=workspace).values_list("id", "name", "body"))}


def test_every_route_parameter_is_known(things):
    for pattern in compose_urls.urlpatterns:
        unknown = set(pattern.pattern.converters) - set(OBJECT_PARAMETERS)
        assert not unknown, f"{pattern.name}: add {unknown} to OBJECT_PARAMETERS"
    assert len(routes(things)) == len(compose_urls.urlpatterns) >= 9


def test_signed_out_every_route_asks_to_sign_in_first(things, client, workspace):
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        answers = {method: getattr(client, method)(url, posted(things)) for method in ("get", "post")}
        sign_in = [m for m, r in answers.items() if r.status_code == 302 and r["Location"].startswith("/login/?next=")]
        assert sign_in, (name, {m: r.status_code for m, r in answers.items()})
        assert all(r.status_code == 405 for m, r in answers.items() if m not in sign_in), name
    assert snapshot(workspace) == before


def test_another_workspace_sees_and_changes_nothing_of_this_one(things, outsider, workspace):
    client = logged_in(outsider)
    before = snapshot(workspace)
    for name, url, names_an_object in routes(things):
        answers = {method: getattr(client, method)(url, posted(things)) for method in ("get", "post")}
        codes = {method: response.status_code for method, response in answers.items()}
        if names_an_object:
            assert set(codes.values()) <= {404, 405} and 404 in codes.values(), (name, codes)
        else:  # a route of "my workspace": it acts on the outsider's own, never on this one
            assert set(codes.values()) <= {200, 302, 405, 422}, (name, codes)
        for response in answers.values():
            page = response.content.decode()
            for secret in ("Private words", "Our own words", "Maya", "ACME"):
                assert secret not in page, (name, secret)
    assert snapshot(workspace) == before
    assert not SmsMessage.objects.exclude(workspace=workspace).exists()  # their workspace has no sender: nothing sent


def test_a_member_may_use_every_route(things, member, workspace):
    client = logged_in(member)
    for name, url, _ in routes(things):
        codes = {method: getattr(client, method)(url, posted(things)).status_code for method in ("get", "post")}
        assert 403 not in codes.values(), (name, codes)
