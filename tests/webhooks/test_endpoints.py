"""Endpoint writes: every kind of bad input is a field error naming the field, and nothing is
saved; updating, re-enabling, resending and replaying."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.crm.services.people import lead_create
from hubwire.webhooks.delivery import run_once
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint
from hubwire.webhooks.services import delivery_resend, endpoint_create, endpoint_replay_failed, endpoint_update
from tests.webhooks.receiver import Answer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("local_targets")]


@pytest.mark.parametrize("data, field, words", [
    ({"url": "not a url"}, "url", "Only http and https URLs"),
    ({"url": ""}, "url", "Only http and https URLs"),
    ({"url": "https://exa mple.com/hook"}, "url", "The URL contains a space"),
    ({"url": "https://hooks.example.com:/hook"}, "url", "Enter a valid URL"),
    ({"event_types": ["lead.created", "lead.exploded"]}, "event_types", "Unknown event type(s): lead.exploded"),
    ({"preset": "teams"}, "preset", "Choose one of: generic, slack, zapier, make"),
    ({"headers": ["Authorization"]}, "headers", "Give headers as name → value"),
    ({"headers": {"Bad Header": "x"}}, "headers", "Not a valid header: Bad Header"),
    ({"headers": {"X-Token": "a\r\nInjected: 1"}}, "headers", "Not a valid header: X-Token"),
    ({"headers": {"X-Token": 42}}, "headers", "Not a valid header: X-Token"),
    ({"headers": {"Webhook-Signature": "forged"}}, "headers", "hubwire sets these headers itself"),
])
def test_bad_input_names_the_field_and_saves_nothing(workspace, receiver, data, field, words):
    with pytest.raises(FieldError) as refused:
        endpoint_create(workspace=workspace, **{"url": receiver.url(), **data})
    assert words in refused.value.errors[field]
    assert not Endpoint.objects.exists()


def test_a_bad_update_changes_nothing(workspace, receiver):
    endpoint = endpoint_create(workspace=workspace, url=receiver.url(), description="Zapier feed")
    with pytest.raises(FieldError) as refused:
        endpoint_update(endpoint=endpoint, description="renamed", url="ftp://files.example.com/")
    assert "url" in refused.value.errors
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description) == (receiver.url(), "Zapier feed")


def test_re_enabling_clears_the_reason_it_was_disabled(workspace, receiver):
    endpoint = endpoint_create(workspace=workspace, url=receiver.url())
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason="Disabled by hubwire: 410.",
                                                   failing_since=timezone.now())
    endpoint.refresh_from_db()
    endpoint_update(endpoint=endpoint, enabled=True)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == "" and endpoint.failing_since is None


def test_resend_and_replay_send_the_same_webhook_id_again(workspace, receiver):
    endpoint = endpoint_create(workspace=workspace, url=receiver.url())
    lead_create(workspace=workspace, actor="t", name="Delivered")
    run_once()
    delivered = Delivery.objects.get()
    assert delivery_resend(delivery=delivered) == 1
    run_once()
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivered.webhook_id] * 2

    receiver.answer("/hook", Answer(410))  # fails for good, and disables the endpoint
    lead_create(workspace=workspace, actor="t", name="Missed")
    run_once()
    missed = Delivery.objects.get(status=DeliveryStatus.FAILED)
    endpoint_update(endpoint=endpoint, enabled=True)  # the receiver was fixed
    assert endpoint_replay_failed(endpoint=endpoint, since=timezone.now() + timedelta(minutes=1)) == 0
    assert endpoint_replay_failed(endpoint=endpoint, since=timezone.now() - timedelta(hours=1)) == 1
    run_once()
    missed.refresh_from_db()
    assert missed.status == DeliveryStatus.SUCCEEDED
    assert receiver.requests[-1].headers["webhook-id"] == missed.webhook_id
