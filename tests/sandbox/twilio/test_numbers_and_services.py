"""The account's IncomingPhoneNumbers (api.twilio.com) and Messaging Services (messaging.twilio.com/v1):
three long codes and one Service holding two of them, listed with each API's paging, readable by the
official twilio library; the inbound URLs hubwire may set, with a bad one refused and nothing changed."""

import pytest
from twilio.rest import Client

from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import BARE, POOLED, POOLED_TOO, SERVICE_SID, assert_twilio_error

pytestmark = SANDBOX_DB


@pytest.fixture
def sdk(sandbox):
    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    client.api.base_url = f"{sandbox.base_url}/sandbox/api.twilio.com"
    client.messaging.base_url = f"{sandbox.base_url}/sandbox/messaging.twilio.com"
    return client


def test_the_account_has_three_sms_numbers_listed_with_twilios_fields(api, sdk):
    listed = api.get("/IncomingPhoneNumbers.json").json()
    numbers = listed["incoming_phone_numbers"]
    assert [n["phone_number"] for n in numbers] == [BARE, POOLED, POOLED_TOO]
    first = numbers[0]
    assert first["sid"].startswith("PN") and len(first["sid"]) == 34 and first["account_sid"] == ACCOUNT_SID
    assert first["capabilities"] == {"fax": False, "mms": True, "sms": True, "voice": True}
    assert (first["sms_url"], first["sms_method"], first["friendly_name"]) == ("", "POST", "(202) 555-0101")
    assert first["date_created"] == "Mon, 03 Mar 2031 09:00:00 +0000"
    assert first["uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{first['sid']}.json"
    paging = (listed["page"], listed["page_size"], listed["next_page_uri"], listed["start"], listed["end"])
    assert paging == (0, 50, None, 0, 2)
    assert api.get(first["uri"].split(ACCOUNT_SID, 1)[1]).json() == first

    by_sdk = sdk.incoming_phone_numbers.list(page_size=2)  # two pages
    assert [n.phone_number for n in by_sdk] == [BARE, POOLED, POOLED_TOO]
    assert by_sdk[0].capabilities["sms"] is True and by_sdk[0].sms_method == "POST"


def test_hubwire_may_point_a_numbers_inbound_texts_at_itself(api, sdk):
    sid = api.get("/IncomingPhoneNumbers.json", params={"PhoneNumber": BARE}).json()["incoming_phone_numbers"][0]["sid"]
    updated = api.post(f"/IncomingPhoneNumbers/{sid}.json", data={"SmsUrl": "https://crm.example.com/in/abc",
                                                                  "SmsMethod": "post"})
    assert updated.status_code == 200
    assert (updated.json()["sms_url"], updated.json()["sms_method"]) == ("https://crm.example.com/in/abc", "POST")
    assert sdk.incoming_phone_numbers(sid).update(sms_url="https://crm.example.com/in/def").sms_url == \
        "https://crm.example.com/in/def"
    cleared = api.post(f"/IncomingPhoneNumbers/{sid}.json", data={"SmsUrl": ""}).json()
    assert cleared["sms_url"] == ""


@pytest.mark.parametrize("data", [{"SmsUrl": "crm.example.com/in"}, {"SmsUrl": "javascript:alert(1)"},
                                  {"SmsMethod": "PUT"}, {"FriendlyName": "x" * 65},
                                  {"SmsUrl": "https://ok.example/in", "SmsMethod": "DELETE"},
                                  {"FriendlyName": "front desk\x00"}])
def test_a_bad_update_of_a_number_is_a_400_and_changes_nothing(api, data):
    sid = api.get("/IncomingPhoneNumbers.json").json()["incoming_phone_numbers"][0]["sid"]
    before = api.get(f"/IncomingPhoneNumbers/{sid}.json").json()
    response = api.post(f"/IncomingPhoneNumbers/{sid}.json", data=data)
    assert response.status_code == 400 and response.json()["status"] == 400
    assert any(name in response.json()["message"] for name in data)
    assert api.get(f"/IncomingPhoneNumbers/{sid}.json").json() == before


def test_an_unknown_number_is_twilios_404(api):
    assert_twilio_error(api.get(f"/IncomingPhoneNumbers/PN{'0' * 32}.json"), 404, 20404)


def test_the_service_and_its_two_numbers_are_listed_with_v1_paging(messaging, sdk):
    listed = messaging.get("/Services").json()
    [service] = listed["services"]
    assert service["sid"] == SERVICE_SID and service["account_sid"] == ACCOUNT_SID
    assert service["inbound_request_url"] is None and service["sticky_sender"] is True
    assert service["date_created"] == "2031-03-03T09:00:00Z" and service["validity_period"] == 14400
    assert service["links"]["phone_numbers"] == f"https://messaging.twilio.com/v1/Services/{SERVICE_SID}/PhoneNumbers"
    assert listed["meta"] == {"page": 0, "page_size": 50, "first_page_url":
                              "https://messaging.twilio.com/v1/Services?PageSize=50&Page=0", "previous_page_url": None,
                              "url": "https://messaging.twilio.com/v1/Services?PageSize=50&Page=0",
                              "next_page_url": None, "key": "services"}

    pool = messaging.get(f"/Services/{SERVICE_SID}/PhoneNumbers").json()
    assert [n["phone_number"] for n in pool["phone_numbers"]] == [POOLED, POOLED_TOO]
    assert pool["phone_numbers"][0]["capabilities"] == ["MMS", "SMS", "Voice"]
    assert pool["phone_numbers"][0]["country_code"] == "US" and pool["meta"]["key"] == "phone_numbers"
    one = pool["phone_numbers"][1]
    assert messaging.get(f"/Services/{SERVICE_SID}/PhoneNumbers/{one['sid']}").json() == one

    assert [s.sid for s in sdk.messaging.v1.services.list()] == [SERVICE_SID]
    assert [n.phone_number for n in sdk.messaging.v1.services(SERVICE_SID).phone_numbers.list()] == [POOLED, POOLED_TOO]


def test_hubwire_may_set_the_services_inbound_url(messaging, sdk):
    updated = messaging.post(f"/Services/{SERVICE_SID}", data={"InboundRequestUrl": "https://crm.example.com/in/x",
                                                               "InboundMethod": "POST"})
    assert updated.status_code == 200 and updated.json()["inbound_request_url"] == "https://crm.example.com/in/x"
    by_sdk = sdk.messaging.v1.services(SERVICE_SID).update(status_callback="https://crm.example.com/status/x")
    assert by_sdk.status_callback == "https://crm.example.com/status/x"
    assert by_sdk.inbound_request_url == "https://crm.example.com/in/x"


@pytest.mark.parametrize("data", [{"InboundRequestUrl": "not a url"}, {"InboundMethod": "PATCH"},
                                  {"StickySender": "maybe"}, {"FriendlyName": ""},
                                  {"StatusCallback": "ftp://x.example/"}, {"InboundRequestUrl": "https://a.example/\x00"}])
def test_a_bad_update_of_the_service_is_a_400_and_changes_nothing(messaging, data):
    before = messaging.get(f"/Services/{SERVICE_SID}").json()
    response = messaging.post(f"/Services/{SERVICE_SID}", data=data)
    assert response.status_code == 400 and next(iter(data)) in response.json()["message"]
    assert messaging.get(f"/Services/{SERVICE_SID}").json() == before


def test_an_unknown_service_is_twilios_404_and_credentials_are_checked(messaging):
    missing = assert_twilio_error(messaging.get(f"/Services/MG{'0' * 32}"), 404, 20404)
    assert missing["message"] == f"The requested resource /v1/Services/MG{'0' * 32} was not found"
    assert_twilio_error(messaging.get("/Services", auth=(ACCOUNT_SID, "f" * 32)), 401, 20003)
