"""Connecting SMS (issue 20 item 1) over real HTTP against the sandbox Twilio: paste the Account SID and
Auth Token, then choose what sends from the numbers and Messaging Services Twilio lists for the
account. A sender that is not the account's (forged, made up, another account's), or cannot text,
is refused naming the field with nothing written; the card is orange until a sender is chosen."""

import re

import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.twilio import sender as sender_module
from hubwire.integrations.twilio.config import config_of, config_update
from hubwire.sandbox.twilio.models import PhoneNumber, Service
from tests.conftest import SANDBOX_DB
from tests.integrations.twilio.conftest import (BARE, POOLED, POOLED_TOO, SENDER_URL, SERVICE_SID, number_sid,
                                                paste_credentials)

pytestmark = SANDBOX_DB
TAB = "/integrations/twilio/"
UNKNOWN_NUMBER, UNKNOWN_SERVICE = "PN" + "0" * 32, "MG" + "0" * 32
NOT_THE_ACCOUNTS = "is not a phone number or Messaging Service of the connected Twilio account"


def card_of(client) -> tuple[str, str]:
    """(colour, text) of the SMS card on the Integrations page."""
    html = client.get(TAB).content.decode()
    found = re.search(r'data-testid="card-twilio" data-colour="(\w+)"(.*?)</a>', html, re.S)
    return found.group(1), re.sub(r"<[^>]+>|\s+", " ", found.group(2)).strip()


def tab_html(client) -> str:
    """The SMS tab's page, its whitespace collapsed (the templates wrap their sentences)."""
    return " ".join(client.get(TAB).content.decode().split())


def sandbox_number(number: str) -> PhoneNumber:
    return PhoneNumber.objects.get(phone_number=number)


def sandbox_service() -> Service:
    return Service.objects.get(sid=SERVICE_SID)


def test_the_card_is_grey_then_orange_once_connected_then_green_once_a_sender_is_chosen(sandbox, owner_client,
                                                                                         workspace):
    assert card_of(owner_client)[0] == "grey"
    assert 'data-testid="sms-not-connected"' in tab_html(owner_client)

    connected = paste_credentials(owner_client, workspace)
    colour, words = card_of(owner_client)
    assert colour == "orange"
    assert "Setup incomplete" in words and "choose the number or Messaging Service that sends your texts" in words
    tab = tab_html(owner_client)
    assert 'data-testid="sms-needs-sender"' in tab and "no number or Messaging Service is chosen" in tab

    assert owner_client.post(SENDER_URL, {"sender": number_sid(BARE), "set_inbound_url": "1"}).status_code == 302
    colour, words = card_of(owner_client)
    assert colour == "green"
    assert "Active" in words and "sends from (202) 555-0101" in words
    tab = tab_html(owner_client)
    assert 'data-testid="sms-needs-sender"' not in tab and 'data-testid="sms-sender-label">(202) 555-0101<' in tab
    assert config_of(connected).ready is False  # the object from before; the row is what changed
    connected.refresh_from_db()
    assert config_of(connected).ready


def test_the_chooser_lists_every_number_and_service_of_the_account_across_pages(twilio_connected, sandbox,
                                                                                 monkeypatch):
    monkeypatch.setattr(sender_module, "PAGE_SIZE", 1)  # one item a page, so every list takes several
    response = twilio_connected.client.get(SENDER_URL)
    assert response.status_code == 200
    senders = response.context["tab_context"]["senders"]
    assert [(s.address, s.sid, s.label, s.can_text) for s in senders.numbers] == [
        (n, number_sid(n), f"({n[2:5]}) {n[5:8]}-{n[8:]}", True) for n in (BARE, POOLED, POOLED_TOO)]
    [service] = senders.services
    assert (service.sid, service.label, service.numbers) == (SERVICE_SID, "hubwire sandbox service",
                                                             (POOLED, POOLED_TOO))
    html = response.content.decode()
    for value in (number_sid(BARE), number_sid(POOLED), number_sid(POOLED_TOO), SERVICE_SID):
        assert f'value="{value}"' in html
    account = twilio_connected.connection.credentials["account_sid"]
    pages = sandbox.calls("api.twilio.com", f"/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json")
    assert [c.status for c in pages] == [200, 200, 200]  # a page per number, the last naming no next page
    assert [c.status for c in sandbox.calls("messaging.twilio.com", "/v1/Services")] == [200]
    assert [c.status for c in sandbox.calls("messaging.twilio.com", f"/v1/Services/{SERVICE_SID}/PhoneNumbers")] == [
        200, 200]


def test_choosing_a_number_keeps_it_and_points_its_inbound_texts_at_the_connection(twilio_connected):
    config = twilio_connected.choose(number_sid(BARE))
    assert (config.sender_kind, config.sender, config.sender_label, config.sender_sid, config.set_inbound_url) == (
        "number", BARE, "(202) 555-0101", number_sid(BARE), True)
    ours = connection_inbound_url(connection=twilio_connected.refresh())
    assert ours.endswith(f"/integrations/twilio/events/{twilio_connected.connection.inbound_token}/")
    assert (sandbox_number(BARE).sms_url, sandbox_number(BARE).sms_method) == (ours, "POST")
    assert sandbox_number(POOLED).sms_url == "" and not sandbox_service().inbound_request_url  # only the chosen one
    entry = AuditEntry.objects.get(action="sms_sender_chosen")
    assert entry.subject == "twilio" and BARE in entry.detail and entry.actor.email == "owner@example.test"


def test_choosing_without_set_it_for_me_changes_nothing_at_twilio(twilio_connected):
    config = twilio_connected.choose(number_sid(POOLED), set_inbound_url=False)
    assert (config.sender_kind, config.sender, config.set_inbound_url) == ("number", POOLED, False)
    assert sandbox_number(POOLED).sms_url == ""


def test_choosing_a_messaging_service_sends_through_it_and_sets_its_inbound_url(twilio_connected):
    config = twilio_connected.choose(SERVICE_SID)
    assert (config.sender_kind, config.sender, config.sender_label, config.sender_sid) == (
        "service", SERVICE_SID, "hubwire sandbox service", SERVICE_SID)
    service = sandbox_service()
    assert (service.inbound_request_url, service.inbound_method) == (
        connection_inbound_url(connection=twilio_connected.refresh()), "POST")
    assert all(sandbox_number(n).sms_url == "" for n in (BARE, POOLED, POOLED_TOO))


@pytest.mark.parametrize("posted, field, words", [
    ({}, "sender", "choose one of your Twilio account's phone numbers or Messaging Services"),
    ({"sender": BARE}, "sender", "a phone number's sid (PN and 32 hexadecimal characters)"),
    ({"sender": "PN123"}, "sender", "a phone number's sid (PN and 32 hexadecimal characters)"),
    ({"sender": "AC" + "0" * 32}, "sender", "a phone number's sid"),
    ({"sender": UNKNOWN_NUMBER}, "sender", NOT_THE_ACCOUNTS),
    ({"sender": UNKNOWN_SERVICE}, "sender", NOT_THE_ACCOUNTS),
    ({"sender": number_sid(BARE), "set_inbound_url": "yes"}, "set_inbound_url", "tick the box (1) or leave it empty"),
])
def test_a_forged_or_foreign_sender_is_refused_naming_the_field_and_nothing_changes(twilio, posted, field, words):
    twilio.choose(number_sid(POOLED), set_inbound_url=False)  # a sender already chosen stays
    before = (twilio.config, AuditEntry.objects.count(), sandbox_number(BARE).sms_url)
    response = twilio.client.post(SENDER_URL, {"set_inbound_url": "1", **posted})
    assert response.status_code == 422
    errors = response.context["tab_context"]["choice_errors"]
    assert set(errors) == {field} and words in errors[field]
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert (twilio.config, AuditEntry.objects.count(), sandbox_number(BARE).sms_url) == before
    assert twilio.sender == POOLED


def test_a_number_that_cannot_text_or_a_service_without_numbers_is_refused(twilio_connected):
    PhoneNumber.objects.filter(phone_number=BARE).update(sms=False)
    PhoneNumber.objects.filter(service__sid=SERVICE_SID).update(service=None)
    listed = twilio_connected.client.get(SENDER_URL).context["tab_context"]["senders"]
    assert [s.can_text for s in listed.numbers] == [False, True, True] and not listed.services[0].can_text
    for sid, words in ((number_sid(BARE), "cannot send text messages"), (SERVICE_SID, "has no phone numbers")):
        response = twilio_connected.client.post(SENDER_URL, {"sender": sid, "set_inbound_url": "1"})
        assert response.status_code == 422 and words in response.context["tab_context"]["choice_errors"]["sender"]
    assert not twilio_connected.config.ready and sandbox_number(BARE).sms_url == ""
    assert not sandbox_service().inbound_request_url


def test_an_inbound_url_twilio_refuses_leaves_the_choice_unmade(twilio_connected, sandbox, settings):
    # A public address Twilio will not call (an underscore in its host: twilio.com/docs/api/errors/21609).
    settings.HUBWIRE_SANDBOX_URL = f"{sandbox.base_url}/sandbox"
    settings.HUBWIRE_BASE_URL = "https://crm_host.example"
    response = twilio_connected.client.post(SENDER_URL, {"sender": number_sid(BARE), "set_inbound_url": "1"})
    assert response.status_code == 422
    error = response.context["tab_context"]["choice_errors"]["set_inbound_url"]
    assert "Twilio did not take the inbound URL" in error and "21502" in error
    assert not twilio_connected.config.ready and sandbox_number(BARE).sms_url == ""
    assert not AuditEntry.objects.filter(action="sms_sender_chosen").exists()


def test_choosing_before_connecting_is_refused_in_words(sandbox, owner_client):
    response = owner_client.post(SENDER_URL, {"sender": number_sid(BARE)})
    assert response.status_code == 422
    errors = response.context["tab_context"]["choice_errors"]
    assert "Paste your Twilio Account SID and Auth Token first" in errors["__all__"]
    assert owner_client.get(SENDER_URL).status_code == 404  # nothing to list


def test_twilio_failing_to_list_is_said_on_the_tab_not_a_500(twilio_connected, sandbox):
    sandbox.control("fault", host="messaging.twilio.com", path="/v1/Services", method="GET", status=403)
    response = twilio_connected.client.get(SENDER_URL)
    assert response.status_code == 200
    assert "Twilio could not list your numbers and Messaging Services" in response.content.decode()
    assert 'data-testid="sms-sender-form"' not in response.content.decode()


def test_the_chooser_comes_alone_to_the_tabs_htmx_request(twilio_connected):
    tab = twilio_connected.client.get(TAB).content.decode()
    assert 'hx-get="/integrations/twilio/sender/"' in tab and 'data-testid="sms-sender-form"' not in tab
    fragment = twilio_connected.client.get(SENDER_URL, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Request" in fragment["Vary"]
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div class="sms-sender-choice"') and "<html" not in html
    assert f'value="{SERVICE_SID}"' in html


def test_disconnecting_forgets_the_sender_and_keeps_quiet_hours(twilio):
    config_update(twilio.connection, quiet_start="22:00")
    assert twilio.client.post("/integrations/twilio/disconnect/", {"mode": ""}).status_code == 302
    config = twilio.config
    assert (config.sender_kind, config.sender, config.sender_sid, config.set_inbound_url) == ("", "", "", False)
    assert config.quiet_start == "22:00"
    assert card_of(twilio.client)[0] == "grey"


def test_credentials_pasted_again_keep_a_sender_the_account_has_and_forget_one_it_has_not(twilio, workspace):
    paste_credentials(twilio.client, workspace)
    assert twilio.sender == BARE

    # As if chosen under another account: the account now connected has no such number.
    config_update(twilio.connection, sender_sid=UNKNOWN_NUMBER, sender="+12025550199")
    paste_credentials(twilio.client, workspace)
    assert not twilio.config.ready and twilio.config.sender_sid == ""
    assert card_of(twilio.client)[0] == "orange"
    assert "+12025550199" in AuditEntry.objects.get(action="sms_sender_forgotten").detail
