"""Inbound hooks over real HTTP on a live server: a posted JSON or form becomes a lead, a contact or
a message; a bad token is a 404, a bad field a 400 naming it with nothing written; one idempotency
key makes one record; HMAC-signed hooks refuse unsigned bodies; every request is logged."""

import html
import json
import re
import shlex
import subprocess

import httpx
import pytest

from hubwire.core.errors import FieldError
from hubwire.crm.models import Contact, Lead, Message
from hubwire.crm.services.people import account_create
from hubwire.events.models import Event
from hubwire.webhooks.inbound import inbound_hook_create, inbound_hook_set_enabled, signature_for
from hubwire.webhooks.models import InboundAuth, InboundOutcome, InboundRequest
from tests.conftest import in_threads, logged_in

pytestmark = pytest.mark.django_db(transaction=True)


def url_of(live_server, hook) -> str:
    return f"{live_server.url}/hooks/in/{hook.token}/"


def send(live_server, hook, payload=None, *, headers=None, content=None):
    return httpx.post(url_of(live_server, hook), json=payload if content is None else None, content=content,
                      headers=headers or {})


def test_posted_json_becomes_a_lead_through_the_mapping(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Website form", action="lead_create",
                               mapping={"name": "contact.full_name", "email": "contact.email", "source": "form.0"})
    answer = send(live_server, hook, {"contact": {"full_name": "Dana Scully", "email": "dana@fbi.example"},
                                      "form": ["website"], "company": "FBI"})
    assert answer.status_code == 201, answer.text
    lead = Lead.objects.get()
    assert (lead.name, lead.email, lead.source, lead.company, lead.workspace) == \
        ("Dana Scully", "dana@fbi.example", "website", "FBI", workspace)
    assert answer.json() == {"outcome": "created", "record": {"type": "lead", "id": lead.pk}}
    assert Event.objects.filter(type="lead.created").count() == 1, "an inbound lead fires outbound webhooks too"
    [logged] = InboundRequest.objects.all()
    assert (logged.status_code, logged.outcome, logged.record_id) == (201, InboundOutcome.CREATED, lead.pk)
    assert "Dana Scully" in logged.body_excerpt


def test_a_form_post_works_too(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Form", action="lead_create")
    answer = httpx.post(url_of(live_server, hook), data={"name": "Form Lead", "value_amount": "15000"})
    assert answer.status_code == 201, answer.text
    assert Lead.objects.get().value_amount == 15000


def test_a_bad_token_is_a_404_and_writes_nothing(live_server, workspace):
    inbound_hook_create(workspace=workspace, name="Form", action="lead_create")
    answer = httpx.post(f"{live_server.url}/hooks/in/not-the-token/", json={"name": "Intruder"})
    assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}
    assert not Lead.objects.exists() and not InboundRequest.objects.exists()


@pytest.mark.parametrize("payload, content, loc, words", [
    ({"contact": {"email": "no-name@example.com"}}, None, ["body", "contact", "full_name"], "required"),
    ({"contact": {"full_name": "X", "email": "not-an-email"}}, None, ["body", "contact", "email"], "email"),
    ({"contact": {"full_name": {"first": "X"}}}, None, ["body", "contact", "full_name"], "single value"),
    ({"contact": {"full_name": "X"}, "value": "lots"}, None, ["body", "value"], ""),
    (None, b"{not json", ["body", "body"], "Not valid JSON"),
    (None, b"[1, 2]", ["body", "body"], "JSON object"),
])
def test_a_bad_field_is_a_400_naming_it_and_nothing_is_written(live_server, workspace, payload, content, loc, words):
    hook = inbound_hook_create(workspace=workspace, name="Form", action="lead_create",
                               mapping={"name": "contact.full_name", "email": "contact.email",
                                        "value_amount": "value"})
    answer = send(live_server, hook, payload, content=content, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == loc and words in problem["msg"]
    assert not Lead.objects.exists() and not Event.objects.exists()
    assert InboundRequest.objects.get().outcome == InboundOutcome.REJECTED


def test_the_same_idempotency_key_twice_makes_one_lead(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Zap", action="lead_create",
                               idempotency_header="Idempotency-Key")
    first = send(live_server, hook, {"name": "Once"}, headers={"Idempotency-Key": "zap-123"})
    again = send(live_server, hook, {"name": "Once"}, headers={"Idempotency-Key": "zap-123"})
    other = send(live_server, hook, {"name": "Twice"}, headers={"Idempotency-Key": "zap-124"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json() == {"outcome": "duplicate", "record": first.json()["record"]}
    assert Lead.objects.count() == 2
    assert list(InboundRequest.objects.order_by("id").values_list("outcome", flat=True)) == \
        ["created", "duplicate", "created"]


def test_concurrent_retries_with_one_key_make_one_lead(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Zap", action="lead_create", idempotency_field="submission.id")
    answers, errors = in_threads(6, lambda: send(live_server, hook, {"name": "Raced", "submission": {"id": 77}}))
    assert not errors
    assert sorted(a.status_code for a in answers).count(201) == 1
    assert Lead.objects.count() == 1
    assert {a.json()["record"]["id"] for a in answers} == {Lead.objects.get().pk}


def test_a_rejected_request_does_not_use_up_its_key(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Zap", action="lead_create", idempotency_header="Idempotency-Key")
    assert send(live_server, hook, {"email": "x@example.com"}, headers={"Idempotency-Key": "k1"}).status_code == 400
    assert send(live_server, hook, {"name": "Fixed"}, headers={"Idempotency-Key": "k1"}).status_code == 201


def test_lead_upsert_updates_the_lead_with_that_email(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="CRM sync", action="lead_upsert")
    created = send(live_server, hook, {"name": "Alex Krycek", "email": "alex@example.com"})
    updated = send(live_server, hook, {"name": "Alex Krycek", "email": "ALEX@example.com", "company": "Syndicate"})
    assert (created.status_code, updated.status_code) == (201, 200)
    assert updated.json()["outcome"] == "updated"
    lead = Lead.objects.get()
    assert (lead.company, created.json()["record"]["id"]) == ("Syndicate", lead.pk)


def test_contact_create_and_message_to_an_account_named_in_the_payload(live_server, workspace):
    acme = account_create(workspace=workspace, actor="t", name="ACME Creative Agency")
    contacts = inbound_hook_create(workspace=workspace, name="Contacts", action="contact_create",
                                   mapping={"account": "company"})
    messages = inbound_hook_create(workspace=workspace, name="Chat", action="message_post",
                                   mapping={"account": "account_id", "body": "text"})
    assert send(live_server, contacts, {"first_name": "Wile", "company": "acme creative agency"}).status_code == 201
    assert Contact.objects.get().account == acme
    answer = send(live_server, messages, {"account_id": acme.pk, "text": "Where is my anvil?"})
    assert answer.status_code == 201, answer.text
    message = Message.objects.get()
    assert (message.account, message.body, message.direction, message.read_at) == \
        (acme, "Where is my anvil?", "inbound", None)
    assert Event.objects.filter(type="message.received").exists()

    unknown = send(live_server, contacts, {"first_name": "Road", "company": "Nobody Inc"})
    assert unknown.status_code == 400 and unknown.json()["detail"][0]["loc"] == ["body", "company"]
    elsewhere = send(live_server, messages, {"account_id": 999999, "text": "hi"})
    assert elsewhere.status_code == 400 and elsewhere.json()["detail"][0]["loc"] == ["body", "account_id"]
    assert Contact.objects.count() == 1 and Message.objects.count() == 1


def test_another_workspaces_account_is_not_found(live_server, workspace, other_workspace):
    theirs = account_create(workspace=other_workspace, actor="t", name="Theirs")
    hook = inbound_hook_create(workspace=workspace, name="Chat", action="message_post")
    answer = send(live_server, hook, {"account": theirs.pk, "body": "leak?"})
    assert answer.status_code == 400 and not Message.objects.exists()


def test_an_hmac_hook_refuses_unsigned_and_wrongly_signed_bodies(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Signed", action="lead_create", auth=InboundAuth.HMAC)
    body = json.dumps({"name": "Signed Lead"}).encode()
    headers = {"content-type": "application/json"}
    assert send(live_server, hook, content=body, headers=headers).status_code == 401
    wrong = signature_for("not-the-secret", body)
    assert send(live_server, hook, content=body, headers={**headers, "X-Hubwire-Signature": wrong}).status_code == 401
    assert not Lead.objects.exists()
    right = signature_for(hook.signing_secret, body)
    assert send(live_server, hook, content=body, headers={**headers, "X-Hubwire-Signature": right}).status_code == 201


def test_a_disabled_hook_answers_404_and_other_methods_405(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Off", action="lead_create")
    assert httpx.get(url_of(live_server, hook)).status_code == 405
    inbound_hook_set_enabled(hook=hook, enabled=False)
    assert send(live_server, hook, {"name": "Nope"}).status_code == 404
    assert not Lead.objects.exists()
    assert InboundRequest.objects.get().error == "the hook is disabled"
    assert httpx.post(url_of(live_server, hook), content=b"a=1", headers={"content-type": "text/plain"}).status_code == 404


@pytest.mark.parametrize("data, field", [
    ({"name": "", "action": "lead_create"}, "name"),
    ({"name": "x", "action": "lead_delete"}, "action"),
    ({"name": "x", "action": "lead_create", "auth": "basic"}, "auth"),
    ({"name": "x", "action": "lead_create", "mapping": "{not json"}, "mapping"),
    ({"name": "x", "action": "lead_create", "mapping": {"salary": "pay"}}, "mapping"),
    ({"name": "x", "action": "lead_create", "idempotency_header": "K", "idempotency_field": "id"}, "idempotency_field"),
])
def test_bad_hook_settings_name_the_field(workspace, data, field):
    with pytest.raises(FieldError) as refused:
        inbound_hook_create(workspace=workspace, **data)
    assert field in refused.value.errors


def test_every_bad_field_is_named_at_once(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Form", action="lead_create",
                               mapping={"email": "contact.email", "phone": "contact.phone"})
    answer = send(live_server, hook, {"contact": {"email": "nope", "phone": "call me"}})
    assert answer.status_code == 400
    locs = [problem["loc"] for problem in answer.json()["detail"]]
    assert ["body", "contact", "email"] in locs and ["body", "contact", "phone"] in locs and ["body", "name"] in locs
    assert not Lead.objects.exists()


def test_an_unsupported_content_type_is_a_415_and_a_huge_body_a_413(live_server, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Form", action="lead_create")
    plain = httpx.post(url_of(live_server, hook), content=b"name=x", headers={"content-type": "text/plain"})
    assert plain.status_code == 415 and "application/json" in plain.json()["detail"]
    huge = send(live_server, hook, {"name": "x" * (300 * 1024)})
    assert huge.status_code == 413 and "larger than 256 KB" in huge.json()["detail"]
    assert not Lead.objects.exists()
    assert list(InboundRequest.objects.values_list("status_code", flat=True).order_by("id")) == [415, 413]


@pytest.mark.parametrize("action, auth, mapping", [
    ("lead_create", InboundAuth.TOKEN, {"name": "full_name", "email": "contact.email"}),
    ("lead_upsert", InboundAuth.HMAC, {"email": "people.0.email", "name": "people.0.name"}),
    ("contact_create", InboundAuth.TOKEN, {"first_name": "person.first", "last_name": "person.last"}),
    ("message_post", InboundAuth.HMAC, {"body": "text", "account": "client.name"}),
])
def test_the_pages_try_it_command_works_as_printed(live_server, owner, workspace, action, auth, mapping):
    account_create(workspace=workspace, actor="test", name="ACME Creative Agency")
    hook = inbound_hook_create(workspace=workspace, name="Form", action=action, auth=auth, mapping=mapping)
    host = live_server.url.removeprefix("http://")
    page = logged_in(owner).get(f"/webhooks/inbound/{hook.pk}/", HTTP_HOST=host).content.decode()
    command = html.unescape(re.search(r'<code data-testid="try-it">(.*?)</code>', page, re.S).group(1))
    assert command.startswith("curl ") and url_of(live_server, hook) in command

    ran = subprocess.run([*shlex.split(command), "--silent", "--write-out", "\n%{http_code}"],
                         capture_output=True, text=True, timeout=60)
    answer, status = ran.stdout.rsplit("\n", 1)
    assert status in ("200", "201"), answer
    assert json.loads(answer)["outcome"] == "created"
