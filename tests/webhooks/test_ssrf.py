"""The SSRF guard, on (as in production): internal targets are refused when the endpoint is saved
(a literal address in any form, with a field error saying why) or when the delivery connects (a name
that resolves to one, or a literal address aiohttp connects to without asking the resolver), only
http(s) is allowed, and a URL no client could send is refused when saved, guard or not."""

import json

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hubwire.core.errors import FieldError
from hubwire.crm.services.people import lead_create
from hubwire.webhooks.delivery import run_once
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint
from hubwire.webhooks.services import endpoint_create, endpoint_errors
from hubwire.webhooks.ssrf import address_problem
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db
delivering = pytest.mark.django_db(transaction=True)  # the dispatcher runs on commit


@pytest.fixture(autouse=True)
def guard_on(settings):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = False


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
    # IPv6 forms that carry an IPv4 address: judged by the address they reach
    ("http://[2002:7f00:1::]/", "the 6to4 form of 127.0.0.1 is a loopback"),
    ("http://[2002:a9fe:a9fe::1]/", "the 6to4 form of 169.254.169.254 is a link-local"),
    ("http://[64:ff9b::7f00:1]/", "the NAT64 form of 127.0.0.1 is a loopback"),
    ("http://[64:ff9b::10.0.0.1]/", "the NAT64 form of 10.0.0.1 is a private"),
    ("http://[::ffff:192.168.0.1]/", "IPv4-mapped form of 192.168.0.1 is a private"),
    ("http://[64:ff9b:1::a00:1]/", "local-use NAT64"),
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"),
    ("http://[::127.0.0.1]/", "IPv4-compatible"),
    ("http://[::ffff:0:127.0.0.1]/", "IPv4-translated"),
    # the rest of the IANA IPv4 and IPv6 Special-Purpose Address Registries
    ("http://192.0.0.8/", "IETF protocol assignment"),
    ("http://192.0.0.170/", "IETF protocol assignment"),
    ("http://192.0.2.10/", "documentation"),
    ("http://198.18.0.1/", "benchmarking"),
    ("http://198.19.255.254/", "benchmarking"),
    ("http://198.51.100.7/", "documentation"),
    ("http://203.0.113.9/", "documentation"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "broadcast"),
    ("http://[100::1]/", "discard-only"),
    ("http://[2001:2::1]/", "benchmarking"),
    ("http://[2001:10::1]/", "IETF protocol assignment"),
    ("http://[2001:db8::1]/", "documentation"),
    ("http://[3fff::1]/", "documentation"),
    ("http://[fc00::1]/", "unique-local"),
    ("http://[fd12:3456::1]/", "unique-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[ff02::1]/", "multicast"),
    ("http://[5f00::1]/", "segment routing"),
    ("http://[4000::1]/", "not a public address"),
    # digits the HTTP client reads as ASCII (fullwidth, circled): a literal 127.0.0.11
    ("http://１２７.０.０.１１/", "127.0.0.11 is a loopback"),
    ("http://①②⑦.0.0.１１/", "127.0.0.11 is a loopback"),
])
def test_an_internal_literal_address_is_refused_when_saved(url, words):
    problem = endpoint_errors({"url": url}, creating=True)["url"]
    assert problem.startswith("hubwire does not send webhooks to internal addresses: ") and words in problem


@pytest.mark.parametrize("url, words", [
    ("http://127.0.0.1\\@hooks.example.com/", "backslash"),
    ("http://hooks.example.com\\hook", "backslash"),
    ("http://hooks.example.com /hook", "space"),
    ("http://hooks.example.com/\x00", "invisible character"),
    ("http://hooks.example.com\u200b/hook", "invisible character"),
    ("http://user:password@hooks.example.com/", "user name or password"),
    ("http://hooks.example.com@127.0.0.1/", "user name or password"),
    ("http://hooks.example.com:99999/", "port must be a number from 1 to 65535"),
    ("http://hooks.example.com:0/", "port must be a number from 1 to 65535"),
    ("http://[::1]:80:80/", "port must be a number from 1 to 65535"),
    ("http://2130706433/", "not an IPv4 address in the usual form"),
    ("http://0177.0.0.1/", "not an IPv4 address in the usual form"),
    ("http://0x7f.0.0.1/", "not an IPv4 address in the usual form"),
    ("http://0x7f000001/", "not an IPv4 address in the usual form"),
    ("http://127.1/", "not an IPv4 address in the usual form"),
    ("http://127.000.000.001/", "not an IPv4 address in the usual form"),
    ("http://127.0.0.1./", "not an IPv4 address in the usual form"),
    ("http://%31%32%37.0.0.1/", "not an IPv4 address in the usual form"),
    ("http://hooks_example.com/", "not a valid host name"),
    ("http://-hooks.example.com/", "not a valid host name"),
    ("http://hooks..example.com/", "not a valid host name"),
    ("http://[fe80::1%25eth0]/", "IPv6 zone"),
    ("http://[::1/hook", "not a valid host name or address"),
    ("http://[::1]x/hook", "not a valid host name or address"),
    ("http://[127.0.0.1]/hook", "not a valid host name or address"),
    ("https://hooks.example.com/" + "a" * 2000, "too long"),
])
@pytest.mark.parametrize("allow_private", [False, True])
def test_a_url_that_can_never_be_sent_is_refused_when_saved_guard_or_not(settings, url, words, allow_private):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = allow_private
    assert words in endpoint_errors({"url": url}, creating=True)["url"]


@given(st.builds("{}://{}{}".format, st.sampled_from(["http", "https"]), st.text(), st.text()))
@hypothesis_settings(deadline=None, database=None)
def test_any_text_gets_an_answer_not_an_exception(url):
    assert isinstance(endpoint_errors({"url": url}, creating=True), dict)


@pytest.mark.parametrize("url, words", [
    ("http://[2002:7f00:1::]/hook", "the 6to4 form of 127.0.0.1 is a loopback address"),
    ("http://192.0.0.8/hook", "192.0.0.8 is an IETF protocol assignment"),
    ("http://0177.0.0.1/hook", "not an IPv4 address in the usual form"),
    ("http://127.0.0.1\\@hooks.example.com/", "backslash"),
    ("http://[::1/hook", "not a valid host name or address"),  # was a 500
])
def test_the_api_answers_422_naming_the_url_and_saves_nothing(api, url, words):
    answer = api.post("/api/webhooks/endpoints", json.dumps({"url": url}), content_type="application/json")
    assert answer.status_code == 422, answer.content
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body", "url"] and words in error["msg"]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("url", [
    "https://hooks.example.com/hubwire", "https://hooks.example.com./hubwire", "https://bücher.example/hook",
    "http://8.8.8.8:8080/hook", "http://[2606:4700:4700::1111]/hook",
    "http://[::ffff:8.8.8.8]/hook", "http://[2002:808:808::1]/hook", "http://[64:ff9b::8.8.8.8]/hook",
])
def test_public_targets_are_accepted(url):
    assert endpoint_errors({"url": url}, creating=True) == {}


@pytest.mark.parametrize("url", ["ftp://files.example.com/drop", "file:///etc/passwd", "gopher://x.example/"])
def test_only_http_and_https_are_allowed(workspace, url):
    with pytest.raises(FieldError) as refused:
        endpoint_create(workspace=workspace, url=url)
    assert refused.value.errors["url"].startswith("Only http and https URLs")


@delivering
def test_a_name_that_resolves_to_loopback_fails_at_delivery_with_the_reason(workspace):
    endpoint_create(workspace=workspace, url="http://localhost:9/hook")  # a name: checked when connecting
    lead_create(workspace=workspace, actor="t", name="Dana")
    run_once()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("localhost resolves to") and "loopback address" in delivery.last_error
    assert "internal addresses" in delivery.last_error


@pytest.fixture
def loopback_receiver():
    """A receiver on 127.0.0.11, an address only the fullwidth form below can also spell."""
    server = Receiver(host="127.0.0.11")
    yield server
    server.close()


@delivering
@pytest.mark.parametrize("host", ["127.0.0.11", "[::ffff:127.0.0.11]", "１２７.０.０.１１"])
def test_a_literal_internal_address_is_refused_when_connecting(settings, workspace, loopback_receiver, host):
    """Saved while the guard was off (the sandbox), sent once it is on: aiohttp connects to a literal
    address without the resolver, so the check is on the address the socket is for."""
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = True
    endpoint_create(workspace=workspace, url=f"http://{host}:{loopback_receiver.server.server_port}/hook")
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = False
    lead_create(workspace=workspace, actor="t", name="Dana")
    run_once()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("hubwire does not send webhooks to internal addresses: ")
    assert "127.0.0.11 is a loopback address" in delivery.last_error
    assert loopback_receiver.requests == []

    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = True  # the same endpoint, guard off: the receiver is really there
    Delivery.objects.update(next_attempt_at=delivery.created_at)
    run_once()
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED and len(loopback_receiver.requests) == 1


def test_public_addresses_pass():
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8", "::ffff:8.8.8.8",
                    "2002:808:808::1", "64:ff9b::808:808"):
        assert address_problem(address) == ""
