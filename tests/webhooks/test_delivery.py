"""Outbound webhooks over real HTTP to a local receiver: signed per Standard Webhooks (checked with
the `standardwebhooks` package), written with the change or not at all, retried with the same
webhook-id, and the receiver's answers honoured (410, Retry-After, redirects, silence)."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from hubwire.core.models import AuditEntry
from hubwire.crm.services.people import account_create, lead_create
from hubwire.crm.services.work import message_post
from hubwire.webhooks.delivery import run_once
from hubwire.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint
from hubwire.webhooks.services import endpoint_create, endpoint_rotate_secret
from hubwire.webhooks.signing import sign
from tests.webhooks.receiver import Answer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("local_targets")]


def new_lead(workspace, name="Dana Scully"):
    return lead_create(workspace=workspace, actor="owner@example.test", name=name, company="FBI")


def due_now():
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def test_the_standard_webhooks_vector():
    assert sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                b'{"test": 2432232314}') == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_delivery_verifies_with_the_standardwebhooks_package(workspace, receiver):
    endpoint = endpoint_create(workspace=workspace, url=receiver.url(), description="CRM feed")
    lead = new_lead(workspace)
    assert run_once() == 1

    [request] = receiver.requests
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "lead.created" and payload["data"]["id"] == lead.pk
    assert set(payload) == {"type", "timestamp", "data"}
    assert request.headers["webhook-id"].startswith("msg_")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.webhook_id == request.headers["webhook-id"]
    [attempt] = Attempt.objects.all()
    assert (attempt.number, attempt.response_status, attempt.response_excerpt) == (1, 200, "ok")
    assert attempt.request_headers["webhook-signature"] == request.headers["webhook-signature"]


def test_a_rolled_back_change_delivers_nothing(workspace, receiver):
    endpoint_create(workspace=workspace, url=receiver.url())
    with pytest.raises(RuntimeError), transaction.atomic():
        new_lead(workspace)
        raise RuntimeError("the request failed after the lead was written")
    assert not Delivery.objects.exists()
    assert run_once() == 0 and receiver.requests == []


def test_a_500_then_200_is_delivered_on_retry_with_the_same_webhook_id(workspace, receiver):
    endpoint_create(workspace=workspace, url=receiver.url())
    receiver.answer("/hook", Answer(500, body=b"database is down"))
    new_lead(workspace)

    before = timezone.now()
    run_once()
    after = timezone.now()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error == "answered 500"
    # 5 s ± 20 % jitter after the failure, which happened during run_once()
    assert before + timedelta(seconds=4) <= delivery.next_attempt_at <= after + timedelta(seconds=6)
    assert run_once() == 0, "not due yet"

    due_now()
    run_once()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    assert [a.response_status for a in Attempt.objects.order_by("number")] == [500, 200]
    assert Attempt.objects.get(number=1).response_excerpt == "database is down"


def test_410_gone_disables_the_endpoint_and_tells_the_owners(workspace, receiver, owner):
    endpoint = endpoint_create(workspace=workspace, url=receiver.url())
    receiver.answer("/hook", Answer(410, body=b"gone"))
    new_lead(workspace)
    run_once()

    endpoint.refresh_from_db()
    assert not endpoint.enabled and "410 Gone" in endpoint.disabled_reason
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert AuditEntry.objects.filter(action="webhook_endpoint_disabled").exists()
    [email] = mail.outbox
    assert email.to == [owner.email] and "410 Gone" in email.body

    new_lead(workspace, "Fox Mulder")  # a disabled endpoint gets no new deliveries
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize("status", [429, 502, 504])
def test_retry_after_is_honoured_when_throttled(workspace, receiver, status):
    endpoint_create(workspace=workspace, url=receiver.url())
    receiver.answer("/hook", Answer(status, headers={"Retry-After": "3600"}))
    new_lead(workspace)
    before = timezone.now()
    run_once()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at >= before + timedelta(hours=1)


def test_a_redirect_is_a_failure_and_is_not_followed(workspace, receiver):
    endpoint_create(workspace=workspace, url=receiver.url())
    receiver.answer("/hook", Answer(302, headers={"Location": receiver.url("/elsewhere")}))
    new_lead(workspace)
    run_once()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "redirect" in delivery.last_error
    assert receiver.to("/elsewhere") == []


def test_a_receiver_that_never_answers_times_out_without_holding_up_the_others(workspace, receiver, settings):
    # Long enough for the fast receiver to answer on a busy machine; the slow one never does.
    settings.HUBWIRE_WEBHOOKS_TIMEOUT = 10.0
    endpoint_create(workspace=workspace, url=receiver.url("/slow"))
    endpoint_create(workspace=workspace, url=receiver.url("/fast"))
    receiver.answer("/slow", Answer(delay=600))
    new_lead(workspace)
    assert run_once() == 2

    slow = Delivery.objects.get(endpoint__url__endswith="/slow")
    fast = Delivery.objects.get(endpoint__url__endswith="/fast")
    assert fast.status == DeliveryStatus.SUCCEEDED
    assert slow.status == DeliveryStatus.PENDING and slow.last_error == "no answer within 10 s"
    [slow_request], [fast_request] = receiver.to("/slow"), receiver.to("/fast")
    # Sent side by side: one after the other, the second would leave only once the first timed out.
    assert abs(fast_request.at - slow_request.at) < settings.HUBWIRE_WEBHOOKS_TIMEOUT


def test_endpoints_get_only_the_event_types_they_asked_for(workspace, receiver):
    endpoint_create(workspace=workspace, url=receiver.url("/leads"), event_types=["lead.created"])
    endpoint_create(workspace=workspace, url=receiver.url("/all"))
    new_lead(workspace)
    new_lead(workspace, "Second")
    account_create(workspace=workspace, actor="t", name="ACME Creative Agency")
    run_once()
    assert len(receiver.to("/leads")) == 2 and len(receiver.to("/all")) == 3


def test_the_slack_preset_posts_a_readable_message(workspace, receiver):
    endpoint_create(workspace=workspace, url=receiver.url(), preset="slack")
    new_lead(workspace)
    run_once()
    body = json.loads(receiver.requests[0].body)
    assert set(body) == {"text", "blocks"}
    assert body["text"] == "Lead created: Dana Scully"
    assert body["blocks"][0] == {"type": "section", "text": {"type": "mrkdwn", "text": "*Lead created: Dana Scully*"}}
    assert "*Company*: FBI" in body["blocks"][1]["text"]["text"]
    assert body["blocks"][-1]["type"] == "context"


INJECTION = "<!channel> <http://evil.example|click here> & co"
ESCAPED = "&lt;!channel&gt; &lt;http://evil.example|click here&gt; &amp; co"


def test_the_slack_preset_shows_what_people_typed_as_text_not_as_mentions_or_links(workspace, receiver, settings):
    endpoint_create(workspace=workspace, url=receiver.url("/slack"), preset="slack")
    endpoint_create(workspace=workspace, url=receiver.url("/zapier"), preset="zapier")
    endpoint_create(workspace=workspace, url=receiver.url("/generic"))
    lead_create(workspace=workspace, actor="t", name=INJECTION, notes="ask <@U024BE7LH> about <#C0123|sales>")
    account = account_create(workspace=workspace, actor="t", name="ACME")
    message_post(workspace=workspace, actor="client", account=account, body=INJECTION, direction="inbound")
    run_once()

    slack = {json.loads(r.body)["blocks"][-1]["elements"][0]["text"].split("`")[1]: r for r in receiver.to("/slack")}
    for request in slack.values():
        assert b"<" not in request.body, request.body  # no <!channel>, <@user>, <#channel> nor <http…|…> link
    lead = json.loads(slack["lead.created"].body)
    assert lead["text"] == f"Lead created: {ESCAPED}"
    assert lead["blocks"][0]["text"]["text"] == f"*Lead created: {ESCAPED}*", "our own *bold* stays"
    assert f"*Name*: {ESCAPED}" in lead["blocks"][1]["text"]["text"]
    assert "*Notes*: ask &lt;@U024BE7LH&gt; about &lt;#C0123|sales&gt;" in lead["blocks"][1]["text"]["text"]
    assert lead["blocks"][-1]["elements"][0]["text"].startswith("`lead.created` · "), "our own `code` stays"
    message = json.loads(slack["message.received"].body)
    assert f"*Body*: {ESCAPED}" in message["blocks"][1]["text"]["text"]

    # Zapier and generic receivers get data, not markup: the value exactly as typed.
    zapier = [json.loads(r.body) for r in receiver.to("/zapier")]
    generic = [json.loads(r.body) for r in receiver.to("/generic")]
    assert [z["name"] for z in zapier if z["event_type"] == "lead.created"] == [INJECTION]
    assert [g["data"]["body"] for g in generic if g["type"] == "message.received"] == [INJECTION]


def test_after_a_rotation_both_secrets_verify_for_a_day(workspace, receiver):
    endpoint = endpoint_create(workspace=workspace, url=receiver.url())
    old = endpoint.secret
    new = endpoint_rotate_secret(endpoint=endpoint)
    new_lead(workspace)
    run_once()
    request = receiver.requests[0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(request.body, request.headers)

    Endpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=timezone.now())
    new_lead(workspace, "Later")
    run_once()
    assert len(receiver.requests[1].headers["webhook-signature"].split(" ")) == 1
    Webhook(new).verify(receiver.requests[1].body, receiver.requests[1].headers)


def test_custom_headers_are_sent_but_masked_in_the_log(workspace, receiver):
    endpoint_create(workspace=workspace, url=receiver.url(), headers={"Authorization": "Bearer s3cr3t-token"})
    new_lead(workspace)
    run_once()
    assert receiver.requests[0].headers["authorization"] == "Bearer s3cr3t-token"
    assert Attempt.objects.get().request_headers["Authorization"] == "••••"


def test_an_endpoint_failing_for_five_days_is_disabled(workspace, receiver):
    endpoint = endpoint_create(workspace=workspace, url=receiver.url())
    receiver.answer("/hook", Answer(503), Answer(503))
    new_lead(workspace)
    run_once()
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.failing_since is not None  # the streak starts

    Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(days=5, minutes=1))
    due_now()
    run_once()
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "every delivery has failed since" in endpoint.disabled_reason
    assert Delivery.objects.get().status == DeliveryStatus.PENDING  # its next turn marks it failed, ready for a replay
