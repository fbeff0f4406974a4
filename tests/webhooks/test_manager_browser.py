"""Issue 5's "done when", in a real browser with a real Celery worker: from the Webhooks tab into the
Manager; create an endpoint pointed at a local receiver (secret shown once), create a lead, see the
signed delivery arrive and its log and attempt; resend it; send a test event; create an inbound
hook, copy its URL, post JSON to it and see the lead and the request log."""

import json

import httpx
import pytest
from standardwebhooks import Webhook

from hubwire.crm.models import Lead
from hubwire.webhooks.models import Endpoint
from tests.conftest import sign_in, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("local_targets"),
              pytest.mark.worker]


def test_outbound_and_inbound_webhooks_from_the_manager(page, live_server, celery_worker, receiver, owner, workspace):
    base = live_server.url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/webhooks/")
    assert page.get_by_test_id("card-webhooks").get_attribute("data-colour") == "grey"
    page.get_by_test_id("go-to-manager").click()
    page.wait_for_url(f"{base}/webhooks/")

    # A bad URL is refused in the page, naming why, and nothing is saved.
    page.get_by_test_id("add-endpoint").click()
    page.fill("#url", "ftp://files.example.com/drop")
    page.click("button[type=submit]")
    assert "Only http and https" in page.get_by_test_id("error-url").inner_text()
    assert not Endpoint.objects.exists()

    page.fill("#url", receiver.url())
    page.fill("#description", "Ops receiver")
    page.check("input[value='lead.created']")
    page.fill("#headers", "X-Team-Token: s3cret-value")
    page.click("button[type=submit]")
    secret = page.locator("#secret").inner_text()
    assert secret.startswith("whsec_") and secret == Endpoint.objects.get().secret
    endpoint_url = page.url
    page.reload()
    assert page.get_by_test_id("new-secret").count() == 0, "the secret is shown once"
    assert "s3cret-value" not in page.content()

    page.goto(f"{base}/leads/new/")
    page.fill("#id_name", "Dana Scully")
    page.click("button[type=submit]")
    wait_until(lambda: receiver.requests, message="the delivery to arrive at the receiver")
    [request] = receiver.requests
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == "lead.created" and payload["data"]["name"] == "Dana Scully"
    assert request.headers["x-team-token"] == "s3cret-value"

    page.goto(endpoint_url)
    row = page.get_by_test_id("delivery-row").first
    row.get_by_test_id("delivery-status").filter(has_text="Delivered").wait_for()
    row.locator("a").first.click()
    assert page.get_by_test_id("webhook-id").inner_text() == request.headers["webhook-id"]
    assert page.get_by_test_id("attempt-status").inner_text() == "200"
    assert "X-Team-Token: ••••" in page.get_by_test_id("attempt").inner_text()

    page.get_by_test_id("resend").click()
    wait_until(lambda: len(receiver.requests) == 2, message="the resend to arrive")
    assert receiver.requests[1].headers["webhook-id"] == request.headers["webhook-id"]
    page.wait_for_function("document.querySelectorAll('[data-testid=attempt]').length === 2")

    page.goto(endpoint_url)
    page.get_by_test_id("send-test").click()
    wait_until(lambda: len(receiver.requests) == 3, message="the test event to arrive")
    assert json.loads(receiver.requests[2].body)["type"] == "webhook.test"

    # The delivery log filters by event type.
    page.goto(f"{base}/webhooks/deliveries/")
    page.select_option("select[name=event_type]", "webhook.test")
    page.click("[data-testid=filters] button")
    assert page.get_by_test_id("delivery-row").count() == 1

    # Inbound: create a hook, copy its URL, post JSON to it, see the lead and the request log.
    page.goto(f"{base}/webhooks/")
    page.get_by_test_id("add-inbound").click()
    page.fill("#name", "Website form")
    page.select_option("#action", "lead_create")
    page.fill("#mapping", "{not json")
    page.click("button[type=submit]")
    assert "JSON object" in page.get_by_test_id("error-mapping").inner_text()
    page.fill("#name", "Website form")
    page.fill("#mapping", '{"name": "contact.name", "email": "contact.email"}')
    page.click("button[type=submit]")
    hook_url = page.get_by_test_id("inbound-url").inner_text()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_test_id("copy-url").click()
    assert page.evaluate("navigator.clipboard.readText()") == hook_url

    answer = httpx.post(hook_url, json={"contact": {"name": "Fox Mulder", "email": "fox@fbi.example"}})
    assert answer.status_code == 201
    assert httpx.post(hook_url, json={"contact": {"email": "fox@fbi.example"}}).status_code == 400
    page.reload()
    outcomes = page.get_by_test_id("request-outcome").all_inner_texts()
    assert outcomes == ["Rejected", "Created"]
    page.get_by_role("link", name=f"Lead #{answer.json()['record']['id']}").click()
    assert Lead.objects.get(email="fox@fbi.example").name == "Fox Mulder"
    assert "Fox Mulder" in page.content()

    page.goto(f"{base}/integrations/webhooks/")
    assert page.get_by_test_id("card-webhooks").get_attribute("data-colour") == "green"
    assert page.get_by_test_id("summary-endpoints").inner_text() == "1 enabled"
