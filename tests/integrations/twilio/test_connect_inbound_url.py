"""The inbound message URL on the SMS tab (issue 20 item 1): the connection's own URL with a copy
button, where to set it, whether Twilio's current setting for the chosen number or Messaging Service
matches (read from Twilio), and "Set it for me", checked in the sandbox Twilio."""

from html import unescape

import httpx
import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.twilio.config import config_update
from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.models import PhoneNumber, Service
from tests.conftest import SANDBOX_DB
from tests.integrations.oauth_flow import flashes
from tests.integrations.twilio.conftest import BARE, POOLED, SERVICE_SID, number_sid

pytestmark = SANDBOX_DB
TAB = "/integrations/twilio/"
STATE_URL = "/integrations/twilio/inbound-url/"
SET_URL = "/integrations/twilio/inbound-url/set/"
ELSEWHERE = "https://other-app.example/sms/in"


@pytest.fixture
def twilio_api(sandbox):
    """The account's API as the business's other tools (or the Twilio Console) change it."""
    with httpx.Client(base_url=f"{sandbox.base_url}/sandbox", auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=30) as client:
        yield client


def state(client) -> tuple[str, str]:
    """(data-matches, the words) of the tab's inbound section as Twilio's setting stands now."""
    response = client.get(STATE_URL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = " ".join(unescape(response.content.decode()).split())
    return html.split('data-matches="', 1)[1][0], html


def ours(twilio) -> str:
    return connection_inbound_url(connection=twilio.refresh())


def test_the_tab_shows_the_connections_inbound_url_with_a_copy_button_and_where_to_set_it(twilio):
    html = " ".join(twilio.client.get(TAB).content.decode().split())
    url = ours(twilio)
    assert f'<code data-testid="sms-inbound-url">{url}</code>' in html
    assert f'data-copy="{url}" data-testid="copy-inbound-url"' in html
    assert f"Phone Numbers › Manage › Active numbers › {BARE}" in html and "HTTP POST" in html
    assert f'hx-get="{STATE_URL}"' in html  # Twilio's setting is read by its own request, not the page's


def test_a_number_chosen_with_set_it_for_me_matches(twilio):
    matches, html = state(twilio.client)
    assert matches == "1" and "Twilio posts the texts this number receives to this URL." in html
    assert 'data-testid="sms-set-inbound-url"' not in html


def test_set_it_for_me_points_a_numbers_inbound_texts_at_the_connection(twilio_connected):
    twilio_connected.choose(number_sid(BARE), set_inbound_url=False)
    matches, html = state(twilio_connected.client)
    assert matches == "0" and "Twilio has no inbound URL for this number" in html
    assert 'data-testid="sms-set-inbound-url"' in html

    response = twilio_connected.client.post(SET_URL)
    assert response.status_code == 302 and response["Location"] == TAB
    number = PhoneNumber.objects.get(phone_number=BARE)
    assert (number.sms_url, number.sms_method) == (ours(twilio_connected), "POST")
    assert twilio_connected.config.set_inbound_url
    assert AuditEntry.objects.filter(action="sms_inbound_url_set", detail=f"number {BARE}").exists()
    assert state(twilio_connected.client)[0] == "1"


def test_set_it_for_me_points_a_services_inbound_texts_at_the_connection(twilio_connected):
    twilio_connected.choose(SERVICE_SID, set_inbound_url=False)
    assert "Twilio has no inbound URL for this Messaging Service" in state(twilio_connected.client)[1]
    assert twilio_connected.client.post(SET_URL).status_code == 302
    service = Service.objects.get(sid=SERVICE_SID)
    assert (service.inbound_request_url, service.inbound_method) == (ours(twilio_connected), "POST")
    matches, html = state(twilio_connected.client)
    assert matches == "1" and "Twilio posts the texts this Messaging Service receives to this URL." in html


def test_a_setting_changed_at_twilio_afterwards_is_seen_and_set_back(twilio, twilio_api):
    sid = number_sid(BARE)
    changed = twilio_api.post(f"/api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{sid}.json",
                              data={"SmsUrl": ELSEWHERE})
    assert changed.status_code == 200
    matches, html = state(twilio.client)
    assert matches == "0" and "elsewhere (to other-app.example)" in html and ELSEWHERE in html

    twilio_api.post(f"/api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{sid}.json",
                    data={"SmsUrl": ours(twilio), "SmsMethod": "GET"})
    assert "Twilio calls this URL by GET; set it to HTTP POST." in state(twilio.client)[1]

    assert twilio.client.post(SET_URL).status_code == 302
    assert state(twilio.client)[0] == "1"


def test_a_number_whose_service_takes_its_texts_is_said_to_and_a_service_deferring_to_numbers_too(twilio_connected,
                                                                                                  twilio_api):
    twilio_connected.choose(number_sid(POOLED))  # its own SmsUrl is hubwire's now
    assert twilio_api.post(f"/messaging.twilio.com/v1/Services/{SERVICE_SID}",
                           data={"InboundRequestUrl": ELSEWHERE}).status_code == 200
    matches, html = state(twilio_connected.client)
    assert matches == "0" and "go to the inbound URL of the Messaging Service “hubwire sandbox service”" in html

    twilio_connected.choose(SERVICE_SID)
    assert twilio_api.post(f"/messaging.twilio.com/v1/Services/{SERVICE_SID}",
                           data={"UseInboundWebhookOnNumber": "true"}).status_code == 200
    matches, html = state(twilio_connected.client)
    assert matches == "0" and "sends inbound texts to each number's own URL" in html


def test_before_a_sender_is_chosen_there_is_nothing_to_set(twilio_connected):
    matches, html = state(twilio_connected.client)
    assert matches == "0" and "Choose the number or Messaging Service that sends your texts first." in html
    response = twilio_connected.client.post(SET_URL)
    assert response.status_code == 302
    assert flashes(twilio_connected.client, "twilio")[-1] == (
        "Choose the number or Messaging Service that sends your texts first.")
    assert not PhoneNumber.objects.exclude(sms_url="").exists() and not twilio_connected.config.set_inbound_url


def test_a_sender_gone_from_the_account_is_said_to_be(twilio):
    PhoneNumber.objects.filter(phone_number=BARE).delete()  # released in the Twilio Console
    matches, html = state(twilio.client)
    assert matches == "0"
    assert "Twilio no longer has (202) 555-0101 in this account: choose another sender." in html


def test_a_sender_kept_without_its_sid_is_asked_for_again_not_a_500(twilio_connected):
    config_update(twilio_connected.connection, sender_kind="number", sender="+15005550006")  # Twilio's magic From
    matches, html = state(twilio_connected.client)
    assert matches == "0" and "hubwire does not know Twilio's sid for +15005550006: choose the sender again." in html
    assert twilio_connected.client.post(SET_URL).status_code == 302
    assert not PhoneNumber.objects.exclude(sms_url="").exists()


def test_twilio_failing_to_answer_is_said_in_words_not_a_500(twilio, sandbox):
    sid = number_sid(BARE)
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{sid}.json"
    sandbox.control("fault", host="api.twilio.com", path=path, method="GET", status=403)
    matches, html = state(twilio.client)
    assert matches == "0" and "hubwire could not read Twilio's setting" in html
    sandbox.control("fault", host="api.twilio.com", path=path, method="POST", status=403)
    PhoneNumber.objects.filter(phone_number=BARE).update(sms_url="")
    assert twilio.client.post(SET_URL).status_code == 302
    said = flashes(twilio.client, "twilio")[-1]  # the last word, after the fixture's own
    assert said.startswith("Twilio did not take the inbound URL: SMS / Twilio answered 403")
    assert PhoneNumber.objects.get(phone_number=BARE).sms_url == ""
    assert not AuditEntry.objects.filter(action="sms_inbound_url_set").exists()


def test_a_text_to_the_chosen_number_reaches_the_connections_url(twilio, sandbox):
    """What the `twilio` fixture promises the parts built on it: Twilio posts inbound texts to hubwire."""
    message = twilio.text_in("Hello?")
    path = httpx.URL(ours(twilio)).path
    [post] = sandbox.calls("hubwire", path)
    # Reached (what hubwire answers is the inbound part's); status 0 would mean it never arrived.
    assert post.method == "POST" and post.status != 0 and post.note == f"twilio inbound {message['sid']}"
