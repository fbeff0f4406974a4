"""Per-connection event URLs (/integrations/<provider>/events/<token>/), over real HTTP on a live
server, shown with a provider defined only here that signs the way Twilio does: HMAC-SHA1 of the
public URL and the sorted form parameters, keyed with the Auth Token each workspace pastes, answered
with TwiML. Requests are signed with the official twilio package, so the two cannot drift together."""

import re
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.db import connection as db
from django.http import HttpResponse
from twilio.request_validator import RequestValidator

from hubwire.core.models import AuditEntry
from hubwire.core.redaction import scrub
from hubwire.integrations.inbound_urls import (connection_for_inbound_token, connection_inbound_token_rotate,
                                               connection_inbound_url)
from hubwire.integrations.models import Connection, ConnectionStatus, InboundEvent
from hubwire.integrations.registry import (PROVIDERS, AuthKind, InboundDelivery, InboundRejected, Provider,
                                           register)
from hubwire.integrations.signatures import twilio_request_valid
from hubwire.jobs.runner import execute

pytestmark = pytest.mark.django_db(transaction=True)

AUTH_TOKEN = "pasted-auth-token-0123456789abcdef"
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response/>'
# Twilio's message SIDs: "SM" and 32 hex digits (twilio.com/docs/messaging/api/message-resource).
MESSAGE_SID = re.compile(r"SM[0-9a-f]{32}")


class Texter(Provider):
    """A Twilio-like provider: the signing secret is the connection's pasted Auth Token."""

    key = "texter-test"
    name = "Texter (test)"
    auth_kind = AuthKind.CREDENTIALS
    built = True
    inbound_headers = ("X-Twilio-Signature",)

    def verify_inbound(self, request):
        if request.connection is None:
            raise InboundRejected("post to the connection's own event URL", status=404)
        token = request.connection.credentials.get("auth_token", "")
        if not twilio_request_valid(token, request.url, request.form, request.body,
                                    request.headers.get("X-Twilio-Signature")):
            raise InboundRejected("X-Twilio-Signature does not match", status=401)
        form = dict(request.form)
        if not MESSAGE_SID.fullmatch(form.get("MessageSid", "")):
            raise InboundRejected("MessageSid: not a Twilio message id", status=400)
        return [InboundDelivery(event_id=form["MessageSid"], event_type="message.received",
                                account_ref=form.get("AccountSid", ""))]

    def inbound_answer(self, request, *, stored, duplicates):
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")

    def handle_event(self, event):
        form = dict(parse_qsl(event.body))
        AuditEntry.objects.create(workspace=event.connection.workspace, action="texter_message_received",
                                  subject=self.key, detail=f"{form['From']}: {form['Body']}")
        return f"message from {form['From']} recorded"


@pytest.fixture
def texter():
    register(Texter)
    yield PROVIDERS[Texter.key]
    PROVIDERS.pop(Texter.key)


@pytest.fixture
def base_url(live_server, settings):
    settings.HUBWIRE_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def texter_connection(workspace, texter):
    return Connection.objects.create(workspace=workspace, provider=texter.key, status=ConnectionStatus.ACTIVE,
                                     credentials={"account_sid": "AC" + "1" * 32, "auth_token": AUTH_TOKEN})


def sms(sid: str = "SM" + "a" * 32, body: str = "Hello, can we move Tuesday?") -> dict:
    return {"MessageSid": sid, "AccountSid": "AC" + "1" * 32, "From": "+12125551234", "To": "+13105550000",
            "Body": body, "NumMedia": "0"}


def post_signed(url: str, form: dict, *, signed_url: str | None = None, token: str = AUTH_TOKEN) -> httpx.Response:
    signature = RequestValidator(token).compute_signature(signed_url or url, form)
    return httpx.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=10)


def test_a_signed_message_on_the_connection_url_is_stored_answered_with_twiml_and_processed(
        base_url, texter_connection):
    url = connection_inbound_url(connection=texter_connection)
    assert url.startswith(f"{base_url}/integrations/texter-test/events/")
    answer = post_signed(url, sms())
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/xml"
    assert answer.content == EMPTY_TWIML
    [event] = InboundEvent.objects.all()
    assert (event.event_id, event.event_type, event.connection_id) == ("SM" + "a" * 32, "message.received",
                                                                       texter_connection.pk)
    assert set(event.headers) == {"Content-Type", "User-Agent", "X-Twilio-Signature"}

    assert execute(InboundEvent._meta.label_lower, event.pk) == "done"
    event.refresh_from_db()
    assert event.outcome == "message from +12125551234 recorded"
    entry = AuditEntry.objects.get(action="texter_message_received")
    assert (entry.workspace, entry.detail) == (texter_connection.workspace, "+12125551234: Hello, can we move Tuesday?")


def test_the_same_message_twice_is_stored_once_and_still_answered_with_twiml(base_url, texter_connection):
    url = connection_inbound_url(connection=texter_connection)
    assert post_signed(url, sms()).status_code == 200
    again = post_signed(url, sms())
    assert (again.status_code, again.content) == (200, EMPTY_TWIML)
    assert InboundEvent.objects.count() == 1


def test_the_signature_covers_the_query_string_and_every_form_parameter(base_url, texter_connection):
    url = connection_inbound_url(connection=texter_connection) + "?channel=sms"
    assert post_signed(url, sms(), signed_url=url.removesuffix("?channel=sms")).status_code == 401
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, sms())
    tampered = httpx.post(url, data={**sms(), "Body": "Send me the invoice"},
                          headers={"X-Twilio-Signature": signature}, timeout=10)
    assert tampered.status_code == 401
    assert post_signed(url, sms(), token="another workspace's token").status_code == 401
    assert not InboundEvent.objects.exists()
    assert post_signed(url, sms()).status_code == 200


def test_the_signed_url_is_the_public_one_from_the_base_url_not_where_the_request_landed(
        live_server, settings, texter_connection):
    settings.HUBWIRE_BASE_URL = "https://crm.example.com"  # behind a proxy: Twilio signs the public URL
    public = connection_inbound_url(connection=texter_connection)
    assert public.startswith("https://crm.example.com/integrations/texter-test/events/")
    landed = public.replace("https://crm.example.com", live_server.url)
    assert post_signed(landed, sms(), signed_url=landed).status_code == 401
    assert post_signed(landed, sms(), signed_url=public).status_code == 200


def test_an_unknown_token_is_a_404_and_nothing_is_written(base_url, texter_connection):
    connection_inbound_url(connection=texter_connection)
    url = f"{base_url}/integrations/texter-test/events/not-the-token/"
    answer = post_signed(url, sms())
    assert answer.status_code == 404 and answer.json() == {"error": "no such event URL"}
    assert not InboundEvent.objects.exists()


def test_a_token_of_another_providers_connection_is_a_404(base_url, workspace, texter_connection):
    zoom = Connection.objects.create(workspace=workspace, provider="zoom", status=ConnectionStatus.ACTIVE)
    zoom_url = connection_inbound_url(connection=zoom)
    texter_url = connection_inbound_url(connection=texter_connection)
    assert post_signed(zoom_url.replace("/zoom/", "/texter-test/"), sms()).status_code == 404
    assert post_signed(texter_url.replace("/texter-test/", "/zoom/"), sms()).status_code == 404
    assert not InboundEvent.objects.exists()


def test_the_installation_url_has_no_connection_so_this_provider_refuses_it(base_url, texter_connection):
    answer = post_signed(f"{base_url}/integrations/texter-test/events/", sms())
    assert answer.status_code == 404 and "own event URL" in answer.json()["error"]
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize("form, reason", [
    ({**sms(), "MessageSid": "not-a-sid"}, "MessageSid"),
    ({k: v for k, v in sms().items() if k != "MessageSid"}, "MessageSid"),
])
def test_a_body_that_is_not_a_twilio_message_is_a_400_naming_the_field(base_url, texter_connection, form, reason):
    answer = post_signed(connection_inbound_url(connection=texter_connection), form)
    assert answer.status_code == 400 and reason in answer.json()["error"]
    assert not InboundEvent.objects.exists()


def test_a_form_body_that_is_not_utf8_is_a_400(base_url, texter_connection):
    answer = httpx.post(connection_inbound_url(connection=texter_connection), content=b"Body=\xff\xfe",
                        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"},
                        timeout=10)
    assert answer.status_code == 400 and "UTF-8" in answer.json()["error"]
    assert not InboundEvent.objects.exists()


def test_the_token_is_made_once_kept_encrypted_found_by_its_hash_and_rotated(base_url, owner, texter_connection):
    url = connection_inbound_url(connection=texter_connection)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url
    assert connection_inbound_url(connection=Connection.objects.get(pk=texter_connection.pk)) == url
    with db.cursor() as cursor:
        cursor.execute("SELECT inbound_token, inbound_token_hash FROM integrations_connection WHERE id = %s",
                       [texter_connection.pk])
        stored, stored_hash = cursor.fetchone()
    assert token not in stored and token not in stored_hash
    assert connection_for_inbound_token(provider_key="texter-test", token=token) == texter_connection

    new_token = connection_inbound_token_rotate(connection=texter_connection, actor=owner)
    assert new_token != token
    rotated = AuditEntry.objects.get(action="inbound_url_rotated")
    assert (rotated.subject, rotated.actor) == ("texter-test", owner)
    assert post_signed(url, sms()).status_code == 404
    new_url = connection_inbound_url(connection=Connection.objects.get(pk=texter_connection.pk))
    assert new_url.endswith(f"/{new_token}/")
    assert post_signed(new_url, sms()).status_code == 200


def test_the_token_in_the_path_is_scrubbed_from_log_lines(texter_connection):
    url = connection_inbound_url(connection=texter_connection)
    token = url.rstrip("/").rsplit("/", 1)[1]
    line = scrub(f'"POST {urlsplit(url).path} HTTP/1.1" 401, and the whole URL: {url}')
    assert token not in line and "[redacted]" in line
