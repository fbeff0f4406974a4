"""Pay now on an invoice through the sandbox Stripe Checkout (issue 6): a direct charge on the
connected account, marked paid exactly once whatever order and however often the events come;
declines, failures and expiries recorded; a late webhook covered by the return page."""

import httpx
import pytest

from hubwire.crm.models import Invoice, InvoiceStatus, Payment
from hubwire.crm.services.documents import invoice_create, invoice_send
from hubwire.crm.services.people import account_create
from hubwire.events.models import Event
from hubwire.payments.models import CheckoutSession, CheckoutStatus
from hubwire.sandbox.models import StripeObject
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.stripe.stripe_flow import local, oauth_connect, onboard, pay, run_events

pytestmark = SANDBOX_DB


@pytest.fixture
def invoice(workspace):
    account = account_create(workspace=workspace, actor="tests", name="ACME Creative Agency")
    created = invoice_create(workspace=workspace, actor="tests", account=account, currency="USD",
                             lines=[{"description": "Brand refresh", "quantity": 1, "unit_amount": 125000}])
    return invoice_send(invoice=created, actor="tests")


def pay_now(client, invoice) -> CheckoutSession:
    response = client.post(f"/invoices/{invoice.pk}/pay/")
    assert response.status_code == 302 and "/sandbox/checkout.stripe.com/c/pay/cs_test_" in response["Location"], \
        response.get("Location")
    return CheckoutSession.objects.get(invoice=invoice, url=response["Location"])


def paid_events(invoice) -> int:
    return Event.objects.filter(type="invoice.paid", data__id=invoice.pk).count()


def test_pay_now_creates_a_direct_charge_session_on_the_connected_account(sandbox, owner_client, workspace, invoice,
                                                                          settings):
    settings.HUBWIRE_PROVIDER_ENV = {"stripe_application_fee_percent": "2.5"}
    connection = onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    session = StripeObject.objects.get(object_id=checkout.session_id)
    assert session.account_id == connection.external_account_id  # Stripe-Account: a direct charge
    assert session.livemode is False
    assert session.body["amount_total"] == 125000 and session.body["currency"] == "usd"
    assert session.body["client_reference_id"] == f"invoice-{invoice.pk}"
    assert session.body["metadata"]["invoice_id"] == str(invoice.pk)
    assert session.state["intent_data"]["application_fee_amount"] == 3125  # 2.5 %
    assert checkout.application_fee == 3125 and checkout.status == CheckoutStatus.OPEN
    # Pressing again while it is open hands out the same page, and makes no new session.
    assert pay_now(owner_client, invoice).pk == checkout.pk
    assert len(sandbox.calls("api.stripe.com", "/v1/checkout/sessions")) == 1


def test_a_paid_checkout_marks_the_invoice_paid_once_with_events_duplicated_and_reversed(
        sandbox, owner_client, workspace, invoice):
    onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    sandbox.control("stripe-hold-events", hold=True)
    paid = pay(checkout.url)
    assert paid.status_code == 302 and f"/pay/stripe/{checkout.public_token}/return/" in paid.headers["location"]
    sent = sandbox.control("stripe-release-events", order="reverse", twice=True)["sent"]
    assert sent[:2] == ["checkout.session.completed"] * 2 and "payment_intent.succeeded" in sent
    outcomes = run_events()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    [payment] = Payment.objects.filter(invoice=invoice)
    assert payment.amount == 125000 and payment.method == "stripe" and payment.reference.endswith("(test mode)")
    assert paid_events(invoice) == 1
    assert sum("paid (pi_" in o for o in outcomes) == 1
    assert any(o.startswith("already recorded") for o in outcomes)
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.PAID and checkout.payment_id == payment.pk
    # The return page, opened afterwards, changes nothing either.
    page = local(owner_client, paid.headers["location"])
    assert page.status_code == 200 and b"Payment received" in page.content
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_the_return_page_marks_the_invoice_paid_when_the_webhook_is_late(sandbox, owner_client, workspace, invoice):
    onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    sandbox.control("stripe-hold-events", hold=True)
    paid = pay(checkout.url)
    # The payer lands back before any event: hubwire asks Stripe for the session.
    page = httpx.get(paid.headers["location"], timeout=10)  # a stranger's browser: no hubwire session
    assert page.status_code == 200 and 'data-testid="paid"' in page.text
    assert "Back to invoice" not in page.text  # only the team gets the link to the invoice
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and paid_events(invoice) == 1
    sandbox.control("stripe-release-events")
    run_events()
    assert Payment.objects.filter(invoice=invoice).count() == 1 and paid_events(invoice) == 1


def test_a_declined_card_is_recorded_and_the_page_stays_open_for_another_card(sandbox, owner_client, workspace, invoice):
    onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    declined = pay(checkout.url, card="4000000000000002")
    assert declined.status_code == 402 and "Your card was declined." in declined.text
    run_events()
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.OPEN and checkout.outcome == "Payment failed: Your card was declined."
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING
    page = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Payment failed: Your card was declined." in page
    # then a good card
    assert pay(checkout.url).status_code == 302
    run_events()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and paid_events(invoice) == 1


def test_an_expired_session_is_recorded_and_pay_now_opens_a_new_one(sandbox, owner_client, workspace, invoice):
    onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    sandbox.control("stripe-expire", session=checkout.session_id)
    run_events()
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.EXPIRED and "expired" in checkout.outcome
    assert "This checkout session has expired." in httpx.get(checkout.url, timeout=10).text
    assert pay_now(owner_client, invoice).pk != checkout.pk


def test_a_delayed_payment_is_processing_then_paid_or_failed(sandbox, owner_client, workspace, invoice):
    onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    assert pay(checkout.url, method="us_bank_account").status_code == 302
    run_events()
    checkout.refresh_from_db()
    invoice.refresh_from_db()
    assert checkout.status == CheckoutStatus.PROCESSING and invoice.status == InvoiceStatus.PENDING
    sandbox.control("stripe-settle", session=checkout.session_id, outcome="failed")
    run_events()
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.FAILED
    assert checkout.outcome == "Payment failed: The bank account has insufficient funds."
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING

    second = pay_now(owner_client, invoice)
    assert second.pk != checkout.pk
    pay(second.url, method="us_bank_account")
    sandbox.control("stripe-settle", session=second.session_id, outcome="succeeded")
    run_events()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and paid_events(invoice) == 1


def test_a_cancelled_payment_changes_nothing(sandbox, owner_client, workspace, invoice):
    onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    page = local(owner_client, f"http://x/pay/stripe/{checkout.public_token}/cancelled/")
    assert page.status_code == 200 and b"Payment cancelled" in page.content
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING


def test_pay_now_without_stripe_or_on_a_draft_says_why(sandbox, owner_client, workspace, invoice):
    response = owner_client.post(f"/invoices/{invoice.pk}/pay/")
    assert response.status_code == 302 and response["Location"] == f"/invoices/{invoice.pk}/"
    messages = [m.message for m in owner_client.get(response["Location"]).context["messages"]]
    assert any("connect an active Stripe account" in m for m in messages)
    onboard(owner_client, workspace)
    draft = invoice_create(workspace=workspace, actor="tests", account=invoice.account,
                           lines=[{"description": "x", "quantity": 1, "unit_amount": 1000}])
    owner_client.post(f"/invoices/{draft.pk}/pay/")
    messages = [m.message for m in owner_client.get(f"/invoices/{draft.pk}/").context["messages"]]
    assert any("only an issued (pending) invoice" in m for m in messages)
    assert not CheckoutSession.objects.filter(invoice=draft).exists()


def test_pay_now_is_scoped_to_the_workspace(sandbox, workspace, invoice, outsider):
    assert logged_in(outsider).post(f"/invoices/{invoice.pk}/pay/").status_code == 404
    assert not CheckoutSession.objects.exists()


def test_live_pays_live_and_test_events_never_touch_it(sandbox, owner_client, workspace, invoice):
    onboard(owner_client, workspace, "test")
    live = oauth_connect(owner_client, workspace, "live")
    response = owner_client.post(f"/invoices/{invoice.pk}/pay/")
    assert "/c/pay/cs_live_" in response["Location"]
    checkout = CheckoutSession.objects.get(invoice=invoice)
    assert checkout.mode == "live" and checkout.account_id == live.external_account_id
    assert StripeObject.objects.get(object_id=checkout.session_id).livemode is True


def test_the_return_page_says_so_when_stripe_cannot_be_reached(sandbox, owner_client, workspace, invoice, settings):
    onboard(owner_client, workspace)
    checkout = pay_now(owner_client, invoice)
    # Nothing listens on port 1: the call fails to connect (an httpx error, not a Stripe answer).
    settings.HUBWIRE_PROVIDER_ENV = {"stripe_url_api": "http://127.0.0.1:1"}
    page = local(owner_client, f"http://x/pay/stripe/{checkout.public_token}/return/")
    assert page.status_code == 200 and b"could not confirm the payment with Stripe yet" in page.content
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.OPEN


def test_pay_now_when_stripe_cannot_be_reached_records_the_attempt_and_says_why(sandbox, owner_client, workspace,
                                                                              invoice, settings):
    onboard(owner_client, workspace)
    settings.HUBWIRE_PROVIDER_ENV = {"stripe_url_api": "http://127.0.0.1:1"}
    response = owner_client.post(f"/invoices/{invoice.pk}/pay/")
    assert response["Location"] == f"/invoices/{invoice.pk}/"
    messages = [m.message for m in owner_client.get(response["Location"]).context["messages"]]
    assert any(m.startswith("Stripe could not start the payment") for m in messages)
    [checkout] = CheckoutSession.objects.filter(invoice=invoice)
    assert checkout.status == CheckoutStatus.FAILED and checkout.session_id == ""
