"""The SSRF guard, on (as in production): internal targets are refused when the endpoint is saved
(a literal address, with a field error saying why) or when the delivery connects (a name that
resolves to one), and only http(s) is allowed."""

import pytest

from hubwire.core.errors import FieldError
from hubwire.crm.services.people import lead_create
from hubwire.webhooks.delivery import run_once
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint
from hubwire.webhooks.services import endpoint_create
from hubwire.webhooks.ssrf import address_problem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def guard_on(settings):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = False
    settings.HUBWIRE_WEBHOOKS_TIMEOUT = 2.0


@pytest.mark.parametrize("url, words", [
    ("http://127.0.0.1:8000/hook", "loopback"),
    ("http://10.0.0.1/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "IPv4-mapped form of 127.0.0.1 is a loopback"),
    ("http://100.64.1.1/hook", "carrier-grade NAT"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://224.0.0.1/hook", "multicast"),
    ("http://192.168.1.10/hook", "private"),
])
def test_an_internal_literal_address_is_refused_when_saved(workspace, url, words):
    with pytest.raises(FieldError) as refused:
        endpoint_create(workspace=workspace, url=url)
    assert "internal addresses" in refused.value.errors["url"] and words in refused.value.errors["url"]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("url", ["ftp://files.example.com/drop", "file:///etc/passwd", "gopher://x.example/"])
def test_only_http_and_https_are_allowed(workspace, url):
    with pytest.raises(FieldError) as refused:
        endpoint_create(workspace=workspace, url=url)
    assert refused.value.errors["url"].startswith("Only http and https URLs")


def test_a_name_that_resolves_to_loopback_fails_at_delivery_with_the_reason(workspace):
    endpoint_create(workspace=workspace, url="http://localhost:9/hook")  # a name: checked when connecting
    lead_create(workspace=workspace, actor="t", name="Dana")
    run_once()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("localhost resolves to") and "loopback address" in delivery.last_error
    assert "internal addresses" in delivery.last_error


def test_public_addresses_pass():
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"):
        assert address_problem(address) == ""
