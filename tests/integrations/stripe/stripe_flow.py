"""Driving Stripe through the sandbox the way a browser would: hubwire's buttons, the sandbox's
hosted onboarding, consent and payment pages, hubwire's return URLs; and running the stored
events as the worker would."""

import re
from urllib.parse import urlsplit

import httpx

from hubwire.integrations.models import Connection, InboundEvent
from hubwire.jobs.models import JobStatus
from hubwire.jobs.runner import execute

SECRET = {"test": "whsec_sandbox_test_hubwire", "live": "whsec_sandbox_live_hubwire"}


def local(client, url: str, **kwargs):
    """Open a hubwire URL (absolute, as Stripe redirects to it) with the Django test client."""
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path, **kwargs)


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def start_onboarding(client, mode: str = "test") -> str:
    """Press "Create a new Stripe account"; returns the sandbox onboarding URL."""
    response = client.post("/integrations/stripe/onboard/", {"mode": mode})
    assert response.status_code == 302, response.content
    assert "/sandbox/connect.stripe.com/setup/s/acct_" in response["Location"], response["Location"]
    return response["Location"]


COMPLETE = {"business_name": "Northwind Studio", "url": "https://northwind.example", "first_name": "Nora",
            "last_name": "West", "bank": "000123456789", "tos": "on"}


def fill_onboarding(link: str, fields: dict, action: str = "submit") -> httpx.Response:
    """Open the onboarding link and submit the form; the answer is Stripe's redirect (or a page)."""
    page = httpx.get(link, timeout=10)
    assert page.status_code == 200, page.text
    return httpx.post(link, data={"session": hidden(page.text, "session"), "action": action, **fields}, timeout=10)


def onboard(client, workspace, mode: str = "test", fields: dict = COMPLETE, action: str = "submit") -> Connection:
    answer = fill_onboarding(start_onboarding(client, mode), fields, action)
    assert answer.status_code == 302, answer.text
    back = local(client, answer.headers["location"])
    assert back.status_code == 302 and back["Location"] == "/integrations/stripe/"
    return Connection.objects.get(workspace=workspace, provider="stripe", mode=mode)


def oauth_connect(client, workspace, mode: str = "test", *, email: str = "owner@acme.example",
                  business_name: str = "ACME Payments", complete: bool = True) -> Connection:
    response = client.post("/integrations/stripe/connect/", {"mode": mode})
    assert response.status_code == 302, response.content
    consent = httpx.get(response["Location"], timeout=10)
    assert consent.status_code == 200, consent.text
    answer = httpx.post(response["Location"].split("?")[0], timeout=10, data={
        "request": hidden(consent.text, "request"), "decision": "allow", "email": email,
        "business_name": business_name, "state_of_account": "complete" if complete else "incomplete"})
    assert answer.status_code == 302, answer.text
    back = local(client, answer.headers["location"])
    assert back.status_code == 302 and back["Location"] == "/integrations/stripe/", back
    return Connection.objects.get(workspace=workspace, provider="stripe", mode=mode)


def run_events() -> list[str]:
    """Process every stored Stripe event that is due, as a worker would; their outcomes."""
    label = InboundEvent._meta.label_lower
    for pk in InboundEvent.objects.filter(status=JobStatus.PENDING).order_by("id").values_list("pk", flat=True):
        execute(label, pk)
    return list(InboundEvent.objects.order_by("id").values_list("outcome", flat=True))


def pay(checkout_url: str, *, card: str = "4242424242424242", method: str = "card") -> httpx.Response:
    return httpx.post(checkout_url, data={"method": method, "card": card, "email": "payer@acme.example"}, timeout=10)


def pay_in_browser(page, amount: str) -> None:
    """Press Pay now on an invoice page, pay `amount` on the sandbox checkout page with the test card,
    see the return page say paid, and go back to the invoice."""
    page.get_by_test_id("pay-now").click()
    page.wait_for_url(re.compile(r".*/sandbox/checkout\.stripe\.com/c/pay/cs_test_\w+"))
    assert page.get_by_test_id("amount").inner_text() == amount
    page.get_by_test_id("pay").click()
    page.wait_for_url(re.compile(r".*/pay/stripe/[\w-]+/return/\?session_id=cs_test_\w+"))
    assert page.get_by_test_id("paid").is_visible()
    page.get_by_test_id("back-to-invoice").click()
