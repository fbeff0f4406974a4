"""The Webhooks Manager's REST API and Zapier's REST hooks: the secret answered once, every action,
bad input naming the field, and another workspace's endpoints and deliveries a 404."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from hubwire.crm.services.people import lead_create
from hubwire.webhooks.delivery import run_once
from hubwire.webhooks.fanout import fan_out_pending
from hubwire.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, Source
from tests.webhooks.receiver import Answer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("local_targets")]


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def test_create_answers_the_secret_once_and_deliveries_verify_with_it(api, workspace, receiver):
    created = post(api, "/api/webhooks/endpoints", {"url": receiver.url(), "description": "Ops feed",
                                                    "event_types": ["lead.created"],
                                                    "headers": {"Authorization": "Bearer receiver-token"}})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["header_names"] == ["Authorization"]
    assert "Bearer receiver-token" not in created.content.decode()

    listed = api.get("/api/webhooks/endpoints").json()
    fetched = api.get(f"/api/webhooks/endpoints/{body['id']}").json()
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0] and "secret" not in fetched and body["secret"] not in str(listed)

    lead_create(workspace=workspace, actor="t", name="Fox Mulder")
    run_once()
    [request] = receiver.requests
    assert Webhook(body["secret"]).verify(request.body, request.headers)["type"] == "lead.created"
    assert request.headers["authorization"] == "Bearer receiver-token"


@pytest.mark.parametrize("body, loc", [
    ({"url": "http://10.0.0.1/hook"}, ["body", "url"]),
    ({"url": "https://hooks.example.com/x", "event_types": ["lead.melted"]}, ["body", "event_types"]),
    ({"url": "https://hooks.example.com/x", "preset": "teams"}, ["body", "preset"]),
    ({"url": "https://hooks.example.com/x", "headers": {"Webhook-Id": "mine"}}, ["body", "headers"]),
    ({"description": "no url"}, ["body", "url"]),
])
def test_bad_endpoint_input_is_a_422_naming_the_field(api, body, loc, settings):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = False
    answer = post(api, "/api/webhooks/endpoints", body)
    assert answer.status_code == 422, answer.content
    assert loc in [item["loc"] for item in answer.json()["detail"]]
    assert not Endpoint.objects.exists()


def test_patch_rotate_test_resend_replay_and_delete(api, workspace, receiver):
    endpoint = post(api, "/api/webhooks/endpoints", {"url": receiver.url()}).json()
    base = f"/api/webhooks/endpoints/{endpoint['id']}"

    assert patch(api, base, {"description": "renamed", "enabled": False}).json()["enabled"] is False
    assert patch(api, base, {"url": "ftp://x"}).status_code == 422
    assert patch(api, base, {"enabled": True}).json()["description"] == "renamed"

    rotated = post(api, f"{base}/rotate-secret").json()
    assert rotated["secret"] != endpoint["secret"] and rotated["secret"].startswith("whsec_")

    test = post(api, f"{base}/test")
    assert test.status_code == 202 and test.json()["event_type"] == "webhook.test"
    run_once()
    [request] = receiver.requests
    assert json.loads(request.body)["type"] == "webhook.test"
    assert len(request.headers["webhook-signature"].split()) == 2, "old and new secret during the overlap"
    Webhook(endpoint["secret"]).verify(request.body, request.headers)
    Webhook(rotated["secret"]).verify(request.body, request.headers)

    detail = api.get(f"/api/webhooks/deliveries/{test.json()['id']}").json()
    assert detail["status"] == "succeeded" and [a["response_status"] for a in detail["attempt_log"]] == [200]

    resent = post(api, f"/api/webhooks/deliveries/{test.json()['id']}/resend")
    assert resent.status_code == 202 and resent.json()["status"] == "pending"
    run_once()
    assert receiver.requests[1].headers["webhook-id"] == request.headers["webhook-id"]

    receiver.answer("/hook", Answer(500), *[Answer(500)] * 8)
    lead_create(workspace=workspace, actor="t", name="Will fail")
    fan_out_pending()
    Delivery.objects.filter(event_type="lead.created").update(attempts=7)
    run_once()
    assert Delivery.objects.get(event_type="lead.created").status == DeliveryStatus.FAILED
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    assert post(api, f"{base}/replay", {"since": since}).json() == {"queued": 1}
    assert post(api, f"{base}/replay", {"since": "yesterday"}).status_code == 422

    assert api.delete(base).status_code == 204
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_the_delivery_log_filters(api, workspace, receiver):
    first = post(api, "/api/webhooks/endpoints", {"url": receiver.url("/a"), "event_types": ["lead.created"]}).json()
    post(api, "/api/webhooks/endpoints", {"url": receiver.url("/b")})
    receiver.answer("/b", Answer(500))
    lead_create(workspace=workspace, actor="t", name="One")
    run_once()

    everything = api.get("/api/webhooks/deliveries").json()
    assert everything["count"] == 2
    only_a = api.get(f"/api/webhooks/deliveries?endpoint_id={first['id']}").json()
    assert [d["endpoint_id"] for d in only_a["items"]] == [first["id"]]
    pending = api.get("/api/webhooks/deliveries?status=pending").json()
    assert [d["last_status_code"] for d in pending["items"]] == [500]
    assert api.get("/api/webhooks/deliveries?event_type=invoice.paid").json()["count"] == 0
    assert api.get("/api/webhooks/deliveries?status=lost").status_code == 422


def test_another_workspace_sees_nothing(api, outsider_api, workspace, receiver):
    endpoint = post(api, "/api/webhooks/endpoints", {"url": receiver.url()}).json()
    delivery = post(api, f"/api/webhooks/endpoints/{endpoint['id']}/test").json()
    assert outsider_api.get("/api/webhooks/endpoints").json() == []
    assert outsider_api.get("/api/webhooks/deliveries").json()["count"] == 0
    for method, path in [("get", f"/api/webhooks/endpoints/{endpoint['id']}"),
                         ("patch", f"/api/webhooks/endpoints/{endpoint['id']}"),
                         ("delete", f"/api/webhooks/endpoints/{endpoint['id']}"),
                         ("post", f"/api/webhooks/endpoints/{endpoint['id']}/rotate-secret"),
                         ("post", f"/api/webhooks/endpoints/{endpoint['id']}/test"),
                         ("get", f"/api/webhooks/deliveries/{delivery['id']}"),
                         ("post", f"/api/webhooks/deliveries/{delivery['id']}/resend"),
                         ("delete", f"/api/hooks/{endpoint['id']}")]:
        answer = getattr(outsider_api, method)(path, "{}", content_type="application/json") \
            if method in ("patch", "post") else getattr(outsider_api, method)(path)
        assert answer.status_code == 404, (method, path)
    assert Endpoint.objects.get().secret == endpoint["secret"]
    assert Delivery.objects.count() == 1
    assert api.get("/api/webhooks/endpoints", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


# --- Zapier REST hooks ---------------------------------------------------------------------------

def test_zapier_subscribes_receives_flat_payloads_and_unsubscribes(api, workspace, receiver):
    answer = post(api, "/api/hooks", {"target_url": receiver.url("/zap"), "event": "lead.created"})
    assert answer.status_code == 201 and set(answer.json()) == {"id"}
    subscription = Endpoint.objects.get(pk=answer.json()["id"])
    assert (subscription.source, subscription.preset, subscription.event_types) == \
        (Source.REST_HOOK, "zapier", ["lead.created"])

    lead = lead_create(workspace=workspace, actor="t", name="Walter Skinner", company="FBI")
    run_once()
    [request] = receiver.requests
    payload = json.loads(request.body)
    assert payload["name"] == "Walter Skinner" and payload["id"] == lead.pk and payload["event_type"] == "lead.created"

    assert api.delete(f"/api/hooks/{answer.json()['id']}").status_code == 204
    assert not Endpoint.objects.exists()
    assert api.delete(f"/api/hooks/{answer.json()['id']}").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"target_url": "not a url", "event": "lead.created"}, "target_url"),
    ({"target_url": "https://hooks.zapier.com/1", "event": "lead.melted"}, "event"),
    ({"target_url": "https://hooks.zapier.com/1", "event": ""}, "event"),
    ({"event": "lead.created"}, "target_url"),
])
def test_a_bad_subscription_names_the_field(api, body, field):
    answer = post(api, "/api/hooks", body)
    assert answer.status_code == 422, answer.content
    assert ["body", field] in [item["loc"] for item in answer.json()["detail"]]
    assert not Endpoint.objects.exists()


def test_a_410_from_a_zapier_target_deletes_that_subscription_only(api, workspace, receiver):
    gone = post(api, "/api/hooks", {"target_url": receiver.url("/gone"), "event": "lead.created"}).json()
    kept = post(api, "/api/hooks", {"target_url": receiver.url("/kept"), "event": "lead.created"}).json()
    manager = post(api, "/api/webhooks/endpoints", {"url": receiver.url("/manager")}).json()
    receiver.answer("/gone", Answer(410))
    lead_create(workspace=workspace, actor="t", name="Unsubscribed by 410")
    run_once()

    assert set(Endpoint.objects.values_list("pk", flat=True)) == {kept["id"], manager["id"]}
    assert Attempt.objects.count() == 2 and Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2
    assert api.delete(f"/api/hooks/{manager['id']}").status_code == 404, "a Manager endpoint is not a subscription"


def test_two_410s_from_one_subscription_in_a_batch_delete_it_once(api, workspace, receiver):
    gone = post(api, "/api/hooks", {"target_url": receiver.url("/gone"), "event": "lead.created"}).json()
    receiver.answer("/gone", Answer(410), Answer(410))
    lead_create(workspace=workspace, actor="t", name="First")
    lead_create(workspace=workspace, actor="t", name="Second")
    assert run_once() == 2, "both in one batch"
    assert len(receiver.to("/gone")) == 2
    assert not Endpoint.objects.filter(pk=gone["id"]).exists() and not Delivery.objects.exists()
    from hubwire.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="webhook_endpoint_deleted").count() == 1
