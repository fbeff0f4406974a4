"""Stripe's webhooks at hubwire's receiver (providers.md §1.8): Stripe-Signature verified over the
raw body with a 300 s tolerance, cross-checked against stripe-python's own code both ways; Connect
events routed by account and mode; a live event for a test connection refused before anything is
written; account.updated snapshots applied in order."""

import json
import time

import pytest
import stripe

from hubwire.integrations.models import Connection, ConnectionStatus, InboundEvent
from hubwire.integrations.stripe.provider import signature_matches
from hubwire.jobs.runner import execute
from tests.conftest import SANDBOX_DB
from tests.integrations.stripe.stripe_flow import SECRET, onboard, run_events

URL = "/integrations/stripe/events/"


@pytest.fixture
def stripe_secrets(settings):
    settings.HUBWIRE_SANDBOX = False
    settings.HUBWIRE_PROVIDER_ENV = {"stripe_test_webhook_secret": SECRET["test"],
                                     "stripe_live_webhook_secret": SECRET["live"]}


@pytest.fixture
def test_connection(workspace):
    return Connection.objects.create(workspace=workspace, provider="stripe", mode="test", status=ConnectionStatus.ACTIVE,
                                     external_account_id="acct_TEST1", details={"via": "oauth", "as_of": 100},
                                     connected_at="2026-11-01T00:00:00Z")


def account_event(*, livemode=False, account="acct_TEST1", created=200, charges=False, due=("external_account",),
                  event_id="evt_1") -> dict:
    return {"id": event_id, "object": "event", "type": "account.updated", "livemode": livemode, "created": created,
            "account": account, "api_version": "2026-08-26.dahlia", "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": {"id": account, "object": "account", "charges_enabled": charges,
                                "payouts_enabled": charges, "details_submitted": charges,
                                "business_profile": {"name": "Tested Ltd"}, "settings": {"dashboard": {}},
                                "requirements": {"currently_due": list(due), "past_due": [], "current_deadline": None,
                                                 "disabled_reason": None if charges else "requirements.past_due"}}}}


def post_signed(client, event: dict, *, secret=SECRET["test"], timestamp=None, body: bytes | None = None):
    """Signed with stripe-python's own signing code."""
    payload = body.decode() if body is not None else json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return client.post(URL, payload.encode(), content_type="application/json", headers={"Stripe-Signature": header})


def test_the_providers_md_vector():
    header = "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
    assert signature_matches("whsec_test", header, b'{"id":"evt_1"}') == 1700000000
    assert signature_matches("whsec_test", header, b'{"id":"evt_2"}') is None


def test_an_event_signed_by_the_stripe_package_is_accepted_stored_once_and_applied(client, stripe_secrets,
                                                                                   test_connection):
    first = post_signed(client, account_event())
    assert first.status_code == 200 and first.json() == {"received": True}
    again = post_signed(client, account_event())
    assert again.json() == {"received": True, "duplicate": True}
    [event] = InboundEvent.objects.all()
    assert (event.event_type, event.account_ref) == ("account.updated", "acct_TEST1")
    assert execute(InboundEvent._meta.label_lower, event.pk) == "done"
    test_connection.refresh_from_db()
    assert test_connection.status == ConnectionStatus.SETUP_INCOMPLETE
    assert test_connection.status_reason == "Setup incomplete: Stripe still needs a bank account for payouts."
    assert test_connection.account_name == "Tested Ltd"


def test_an_older_account_snapshot_arriving_late_is_not_applied(client, stripe_secrets, test_connection):
    post_signed(client, account_event(created=300, charges=True, due=(), event_id="evt_new"))
    post_signed(client, account_event(created=250, charges=False, event_id="evt_old"))
    outcomes = run_events()
    test_connection.refresh_from_db()
    assert test_connection.status == ConnectionStatus.ACTIVE
    assert "already newer or disconnected" in outcomes[1]


def test_a_live_event_for_a_test_connection_is_refused_with_nothing_written(client, stripe_secrets, test_connection):
    response = post_signed(client, account_event(livemode=True, charges=True, due=()), secret=SECRET["live"])
    assert response.status_code == 400 and "live-mode event for an account connected only in test" in \
        response.json()["error"]
    assert not InboundEvent.objects.exists()


def test_a_live_event_signed_with_the_test_secret_is_refused(client, stripe_secrets, test_connection):
    response = post_signed(client, account_event(livemode=True, account="acct_OTHER"), secret=SECRET["test"])
    assert response.status_code == 400 and not InboundEvent.objects.exists()


@pytest.mark.parametrize("tamper", ["secret", "body", "stale", "missing", "garbage"])
def test_a_bad_signature_or_stale_timestamp_is_rejected_with_nothing_written(client, stripe_secrets, test_connection,
                                                                            tamper):
    event = account_event(charges=True, due=())
    body = json.dumps(event)
    if tamper == "secret":
        response = post_signed(client, event, secret="whsec_wrong")
    elif tamper == "body":
        header = stripe.WebhookSignature.generate_signature_header(body, SECRET["test"])
        response = client.post(URL, body.replace("Tested", "Tampered"), content_type="application/json",
                               headers={"Stripe-Signature": header})
    elif tamper == "stale":  # stripe-python's DEFAULT_TOLERANCE is 300 s
        response = post_signed(client, event, timestamp=int(time.time()) - 301)
    elif tamper == "missing":
        response = client.post(URL, body, content_type="application/json")
    else:
        response = client.post(URL, body, content_type="application/json", headers={"Stripe-Signature": "t=x,v1=zz"})
    assert response.status_code == 400 and "error" in response.json()
    assert not InboundEvent.objects.exists()
    test_connection.refresh_from_db()
    assert test_connection.status == ConnectionStatus.ACTIVE


def test_webhooks_without_secrets_are_refused(client, db, settings):
    settings.HUBWIRE_SANDBOX = False
    settings.HUBWIRE_PROVIDER_ENV = {}
    assert post_signed(client, account_event()).status_code == 503


@SANDBOX_DB
def test_events_the_sandbox_signs_verify_with_stripes_construct_event(sandbox, owner_client, workspace):
    onboard(owner_client, workspace)
    events = list(InboundEvent.objects.filter(provider="stripe"))
    assert events, "the sandbox sent account.updated to hubwire"
    for stored in events:
        verified = stripe.Webhook.construct_event(stored.body, stored.headers["Stripe-Signature"], SECRET["test"])
        assert verified.id == stored.event_id and verified.type == "account.updated"
        assert verified.account == Connection.objects.get(provider="stripe").external_account_id
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(stored.body, stored.headers["Stripe-Signature"], SECRET["live"])


def test_an_answer_from_the_other_mode_is_refused(db, settings):
    """A test-mode call answered with a live object (a misconfigured key or proxy) raises, over real HTTP."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from hubwire.integrations.registry import PROVIDERS
    from hubwire.integrations.stripe.api import ModeMismatch, StripeAPI

    class LiveAnswers(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"id": "cs_live_1", "object": "checkout.session", "livemode": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), LiveAnswers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.HUBWIRE_SANDBOX = False
        settings.HUBWIRE_PROVIDER_ENV = {"stripe_test_secret_key": "sk_test_x",
                                         "stripe_url_api": f"http://127.0.0.1:{server.server_port}"}
        with StripeAPI(PROVIDERS["stripe"], "test", "acct_1") as api, pytest.raises(ModeMismatch, match="live-mode"):
            api.get("/v1/checkout/sessions/cs_live_1")
    finally:
        server.shutdown()


def test_an_oauth_token_of_the_other_mode_is_refused():
    from hubwire.integrations.registry import PROVIDERS

    stripe_provider = PROVIDERS["stripe"]
    assert "refused" in stripe_provider.token_problem({"livemode": True, "stripe_user_id": "acct_1"}, "test")
    assert stripe_provider.token_problem({"livemode": False}, "test") == ""
