"""Hostile input: bodies and query strings crafted to crash the server (a JSON lone surrogate, a NUL,
nesting 100,000 deep, numbers past 64 bits) get a clear 4xx or a sensible page, are logged where
the user looks (an inbound hook's request log), and write nothing."""

import json
import time

import pytest
import stripe

from hubwire.core.strict_json import MAX_DEPTH
from hubwire.crm import models as m
from hubwire.crm.pages import RESOURCES
from hubwire.integrations.models import InboundEvent
from hubwire.integrations.zoom.provider import signature as zoom_signature
from hubwire.webhooks.inbound import inbound_hook_create
from hubwire.webhooks.models import Delivery, Endpoint, InboundOutcome, InboundRequest
from hubwire.webhooks.services import endpoint_create, endpoint_send_test
from tests.conftest import logged_in
from tests.integrations.stripe.stripe_flow import SECRET as STRIPE_SECRET

pytestmark = pytest.mark.django_db

LONE_SURROGATE = b'{"name":"\\ud800"}'
NUL = b'{"name":"a\\u0000b"}'
DEEP = b"[" * 100_000 + b"]" * 100_000
HOSTILE_BODIES = {"lone surrogate": LONE_SURROGATE, "NUL": NUL, "nested 100,000 deep": DEEP}
BEYOND_64_BITS = "99999999999999999999999"


def written() -> dict:
    return {model.__name__: model.objects.count() for model in (m.Lead, m.Contact, m.Message, m.Account)}


# --- inbound hooks (/hooks/in/<token>/) ----------------------------------------------------------

@pytest.fixture
def hook(workspace):
    return inbound_hook_create(workspace=workspace, name="Website form", action="lead_create")


@pytest.mark.parametrize("action", ["lead_create", "contact_create", "message_post"])
@pytest.mark.parametrize("kind", HOSTILE_BODIES)
def test_a_hostile_json_body_to_an_inbound_hook_is_a_logged_400_that_writes_nothing(client, workspace, action, kind):
    hook = inbound_hook_create(workspace=workspace, name="Website form", action=action)
    before = written()
    answer = client.post(f"/hooks/in/{hook.token}/", HOSTILE_BODIES[kind], content_type="application/json")
    assert answer.status_code == 400, answer.content
    [problem] = answer.json()["detail"]
    assert problem["msg"]
    [logged] = InboundRequest.objects.filter(hook=hook)
    assert (logged.status_code, logged.outcome) == (400, InboundOutcome.REJECTED)
    assert problem["msg"] in logged.error
    assert written() == before


@pytest.mark.parametrize("body, loc, words", [
    (LONE_SURROGATE, ["body", "name"], "surrogate"),
    (NUL, ["body", "name"], "NUL"),
    (b'{"contact": {"emails": ["x@example.com", "\\udfff"]}}', ["body", "contact", "emails", "1"], "surrogate"),
    (b'{"a\\u0000": 1}', ["body", "body"], "key"),
    (DEEP, ["body", "body"], f"more than {MAX_DEPTH} levels"),
    (b'{"name": "A", "value_amount": NaN}', ["body", "body"], "NaN"),
    (b'{"name": "A", "value_amount": 1e999}', ["body", "body"], "too large"),
])
def test_the_400_says_where_and_why(client, hook, body, loc, words):
    answer = client.post(f"/hooks/in/{hook.token}/", body, content_type="application/json")
    assert answer.status_code == 400
    [problem] = answer.json()["detail"]
    assert problem["loc"] == loc and words in problem["msg"], problem


def test_nesting_up_to_the_limit_is_still_read(client, hook):
    body = b'{"name": "Deep", "extra": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    assert client.post(f"/hooks/in/{hook.token}/", body, content_type="application/json").status_code == 201
    assert m.Lead.objects.get().name == "Deep"


def test_brackets_inside_strings_do_not_count_as_nesting(client, hook):
    body = json.dumps({"name": "[" * 200, "notes": '"]\\' + "{" * 1000}).encode()
    assert client.post(f"/hooks/in/{hook.token}/", body, content_type="application/json").status_code == 201


def test_text_longer_than_its_column_is_a_400_naming_the_field(client, hook):
    """PostgreSQL refuses an over-long value with an error (it was a 500 there); SQLite would store it."""
    body = json.dumps({"name": "x" * 201, "company": "y" * 5000}).encode()
    response = client.post(f"/hooks/in/{hook.token}/", body, content_type="application/json")
    assert response.status_code == 400 and "At most 200 characters" in response.content.decode()
    assert "company" in response.content.decode() and written()["Lead"] == 0
    assert InboundRequest.objects.get().outcome == InboundOutcome.REJECTED


@pytest.mark.parametrize("amount", ["²", "1" * 5000, "1e999"])
def test_a_posted_amount_that_is_not_a_plain_whole_number_is_a_400_naming_it(client, hook, amount):
    answer = client.post(f"/hooks/in/{hook.token}/", f"name=A&value_amount={amount}",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["loc"] == ["body", "value_amount"]
    assert not m.Lead.objects.exists()


def test_a_nul_in_a_posted_form_is_a_400_naming_the_field(client, hook):
    answer = client.post(f"/hooks/in/{hook.token}/", "name=a%00b", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["loc"] == ["body", "name"]
    assert not m.Lead.objects.exists()


@pytest.mark.parametrize("body", [b'{"name":"a\x00b"}', b"\x00\xff\xfe" * 10])
def test_the_logged_excerpt_of_a_raw_body_is_storable_text(client, hook, body):
    """PostgreSQL refuses NUL in text: the request log keeps a visible stand-in instead."""
    answer = client.post(f"/hooks/in/{hook.token}/", body, content_type="application/json")
    assert answer.status_code == 400
    excerpt = InboundRequest.objects.get().body_excerpt
    assert "\x00" not in excerpt and "\ufffd" in excerpt


# --- provider events (/integrations/<provider>/events/), correctly signed --------------------------

@pytest.fixture
def provider_secrets(settings):
    settings.HUBWIRE_SANDBOX = False
    settings.HUBWIRE_PROVIDER_ENV = {"zoom_webhook_secret": "zoom_secret_token",
                                     "stripe_test_webhook_secret": STRIPE_SECRET["test"]}


def post_stripe(client, body: bytes):
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), STRIPE_SECRET["test"])
    return client.post("/integrations/stripe/events/", body, content_type="application/json",
                       headers={"Stripe-Signature": header})


def post_zoom(client, body: bytes):
    timestamp = str(int(time.time()))
    return client.post("/integrations/zoom/events/", body, content_type="application/json", headers={
        "x-zm-request-timestamp": timestamp, "x-zm-signature": zoom_signature("zoom_secret_token", timestamp, body)})


# The hostile value where a real event has its type, so everything else about the event is right.
HOSTILE_VALUES = {"lone surrogate": b'"account.updated\\ud800"', "NUL": b'"account.updated\\u0000"', "nested 100,000 deep": DEEP}
PROVIDER_BODIES = {
    **{f"stripe, bare {kind}": ("stripe", body) for kind, body in HOSTILE_BODIES.items()},
    **{f"zoom, bare {kind}": ("zoom", body) for kind, body in HOSTILE_BODIES.items()},
    **{f"stripe event, {kind}": ("stripe", b'{"id": "evt_1", "object": "event", "livemode": false, "type": ' + value + b"}")
       for kind, value in HOSTILE_VALUES.items()},
    **{f"zoom event, {kind}": ("zoom", b'{"event_ts": 1, "payload": {"account_id": "abc"}, "event": ' + value + b"}")
       for kind, value in HOSTILE_VALUES.items()},
}


# Valid JSON, right signature, wrong shape: a field the receiver slices or reads as an object is not one.
WRONG_SHAPES = {
    "stripe event, numeric id": ("stripe", b'{"id": 5, "object": "event", "type": "account.updated", "livemode": false}'),
    "stripe event, object as type": ("stripe", b'{"id": "evt_1", "object": "event", "type": {"a": 1}, "livemode": false}'),
    "zoom event, numeric event": ("zoom", b'{"event": 5, "payload": {"account_id": "abc"}}'),
    "zoom event, list as payload": ("zoom", b'{"event": "meeting.deleted", "payload": [1]}'),
}
PROVIDER_BODIES.update(WRONG_SHAPES)


@pytest.mark.parametrize("provider, body", PROVIDER_BODIES.values(), ids=PROVIDER_BODIES.keys())
def test_a_signed_hostile_provider_event_is_a_400_and_stores_nothing(client, provider_secrets, provider, body):
    answer = (post_stripe if provider == "stripe" else post_zoom)(client, body)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]
    assert not InboundEvent.objects.exists()


# --- the API -------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/leads", "/api/accounts", "/api/messages", "/api/webhooks/endpoints", "/api/hooks"])
@pytest.mark.parametrize("kind", HOSTILE_BODIES)
def test_a_hostile_api_body_is_a_422_saying_where_and_writes_nothing(api, url, kind):
    before = written()
    response = api.post(url, HOSTILE_BODIES[kind], content_type="application/json")
    assert response.status_code == 422, response.content
    [problem] = response.json()["detail"]
    assert problem["loc"] == (["body"] if kind == "nested 100,000 deep" else ["body", "name"])
    assert problem["msg"]
    assert written() == before and not Endpoint.objects.exists()


@pytest.mark.parametrize("body, loc", [
    ({"url": "https://hooks.example.com/\ud800"}, ["body", "url"]),
    ({"url": "https://hooks.example.com/in", "headers": {"X-Token": "a\u0000b"}}, ["body", "headers", "X-Token"]),
    ({"url": "https://hooks.example.com/in", "event_types": ["lead.created", "\udc00"]}, ["body", "event_types", 1]),
])
def test_api_text_outside_the_typed_fields_is_checked_too(api, body, loc):
    response = api.post("/api/webhooks/endpoints", json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert [item["loc"] for item in response.json()["detail"]] == [loc]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("url", ["/api/leads?limit={n}", "/api/leads?offset={n}", "/api/events?offset={n}",
                                 "/api/messages?account_id={n}", "/api/webhooks/deliveries?endpoint_id={n}",
                                 "/api/webhooks/deliveries?offset={n}", "/api/leads/{n}", "/api/webhooks/endpoints/{n}"])
@pytest.mark.parametrize("n", [BEYOND_64_BITS, "-1", "²", "1" * 5000])
def test_api_integer_parameters_out_of_range_are_422_naming_them(api, url, n):
    response = api.get(url.format(n=n))
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["msg"]


# --- list pages ----------------------------------------------------------------------------------

LIST_PAGES = [f"/{key}/" for key in RESOURCES] + ["/webhooks/deliveries/"]


@pytest.mark.parametrize("url", LIST_PAGES)
@pytest.mark.parametrize("number", ["999999999999999999999", BEYOND_64_BITS * 3, "²", "0", "-1", "abc", "1" * 5000])
def test_a_list_page_number_that_cannot_be_served_shows_the_nearest_page(owner_client, url, number):
    response = owner_client.get(url, {"page": number})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number in (1, page.paginator.num_pages)


def test_a_page_past_the_end_shows_the_last_page(owner_client, workspace):
    m.Account.objects.bulk_create(m.Account(workspace=workspace, name=f"Account {i:03}") for i in range(51))
    response = owner_client.get("/accounts/", {"page": BEYOND_64_BITS})
    assert response.context["page"].number == 2
    assert "Account 050" in response.content.decode() and "Page 2 of 2" in response.content.decode()


@pytest.fixture
def delivery(workspace, settings):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = True
    return endpoint_send_test(endpoint=endpoint_create(workspace=workspace, url="https://hooks.example.com/in"))


@pytest.mark.parametrize("endpoint", [BEYOND_64_BITS, "²", "0", "-1", "abc"])
def test_a_delivery_filter_on_an_endpoint_that_cannot_exist_lists_nothing(owner_client, delivery, endpoint):
    response = owner_client.get("/webhooks/deliveries/", {"endpoint": endpoint})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_a_delivery_filter_on_a_real_endpoint_still_lists_its_deliveries(owner_client, delivery):
    response = owner_client.get("/webhooks/deliveries/", {"endpoint": str(delivery.endpoint_id)})
    assert list(response.context["page"].object_list) == [Delivery.objects.get()]



# --- a NUL in a query string (PostgreSQL refuses it in any text; the filters read it directly) ------

@pytest.mark.parametrize("url", ["/leads/?q=a%00b", "/leads/?status=%00", "/events/?type=lead.%00",
                                 "/webhooks/deliveries/?event_type=%00", "/integrations/zoom/callback/?state=%00",
                                 "/leads/?page=1&x%00=1"])
def test_a_nul_in_a_page_query_is_a_400_saying_so(owner_client, url):
    response = owner_client.get(url)
    assert response.status_code == 400 and b"NUL character" in response.content


def test_a_nul_in_an_api_query_is_a_422_naming_the_parameter(api):
    response = api.get("/api/messages?direction=%00")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "direction"]
