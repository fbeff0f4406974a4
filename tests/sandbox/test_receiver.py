"""The sandbox's webhook receiver: a delivery to it is logged with its webhook-id; a path ending in
a status answers that status, so retries can be watched offline."""

from hubwire.crm.services.people import lead_create
from hubwire.sandbox.models import Call
from hubwire.webhooks.delivery import run_once
from hubwire.webhooks.models import Delivery
from hubwire.webhooks.services import endpoint_create
from tests.conftest import SANDBOX_DB

pytestmark = SANDBOX_DB


def test_deliveries_to_the_sandbox_receiver_are_logged(sandbox, workspace, settings):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = True  # what HUBWIRE_SANDBOX=1 defaults it to on `make run`
    ok = endpoint_create(workspace=workspace, url=f"{sandbox.base_url}/sandbox/receiver/demo")
    endpoint_create(workspace=workspace, url=f"{sandbox.base_url}/sandbox/receiver/fail/503")
    lead_create(workspace=workspace, actor="t", name="Seen in the sandbox")
    assert run_once() == 2

    calls = {c.path: c for c in Call.objects.filter(host="receiver")}
    delivered = Delivery.objects.get(endpoint=ok)
    assert calls["/demo"].status == 200 and calls["/demo"].note == f"{delivered.webhook_id} (signed)"
    assert calls["/fail/503"].status == 503
    assert Delivery.objects.exclude(endpoint=ok).get().last_error == "answered 503"
