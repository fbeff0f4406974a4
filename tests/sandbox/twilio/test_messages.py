"""The Messages resource of the sandbox Twilio over real HTTP (providers.md §6.1): create From a number
or through a Messaging Service, fetch, and list with Twilio's paging and filters, every answer checked
against Twilio's OpenAPI document; each refusal in Twilio's envelope, naming its code, with nothing
written; and the official twilio library reading all of it."""

from datetime import datetime, timezone

import pytest
from twilio.rest import Client

from hubwire.sandbox.twilio import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.models import Message
from tests.conftest import SANDBOX_DB
from tests.sandbox.twilio.conftest import (BARE, PERSON, POOLED, POOLED_TOO, SERVICE_SID, advance,
                                           assert_twilio_error, send)
from tests.sandbox.twilio.schema import validate_list, validate_message

pytestmark = SANDBOX_DB
OTHER_ACCOUNT = "AC" + "0" * 32


def test_a_message_from_a_number_is_queued_with_exactly_twilios_fields(api):
    created = validate_message(send(api, To=PERSON, From=BARE, Body="Your appointment is at 10:00."))
    sid = created["sid"]
    assert sid.startswith("SM") and created["status"] == "queued" and created["direction"] == "outbound-api"
    assert (created["from"], created["to"], created["body"]) == (BARE, PERSON, "Your appointment is at 10:00.")
    assert (created["num_segments"], created["num_media"], created["messaging_service_sid"]) == ("1", "0", None)
    assert created["date_created"] == "Mon, 03 Mar 2031 09:00:00 +0000" and created["date_sent"] is None
    assert (created["error_code"], created["error_message"], created["price"]) == (None, None, None)
    assert created["api_version"] == "2010-04-01"
    assert created["uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json"
    assert created["subresource_uris"]["media"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json"

    fetched = api.get(f"/Messages/{sid}.json")
    assert fetched.status_code == 200 and validate_message(fetched.json()) == created


def test_through_a_messaging_service_it_is_accepted_and_gets_a_sender_of_the_pool_once_queued(sandbox, api):
    created = validate_message(send(api, To=PERSON, MessagingServiceSid=SERVICE_SID, Body="Hello"))
    # "num_segments is initially 0, since a sender hasn't yet been assigned" (the spec)
    assert (created["status"], created["from"], created["num_segments"]) == ("accepted", None, "0")
    assert created["messaging_service_sid"] == SERVICE_SID

    assert advance(sandbox) == 2  # queued (a sender chosen), then sending: its sender is free
    fetched = validate_message(api.get(f"/Messages/{created['sid']}.json").json())
    assert fetched["status"] == "sending" and fetched["from"] in (POOLED, POOLED_TOO)
    assert fetched["num_segments"] == "1"


def test_a_service_may_send_from_a_chosen_number_of_its_pool_only(api):
    chosen = send(api, To=PERSON, MessagingServiceSid=SERVICE_SID, From=POOLED_TOO, Body="Hi")
    assert chosen["messaging_service_sid"] == SERVICE_SID
    assert Message.objects.get(sid=chosen["sid"]).from_number == POOLED_TOO
    outside = api.post("/Messages.json", data={"To": PERSON, "MessagingServiceSid": SERVICE_SID, "From": BARE,
                                               "Body": "Hi"})
    assert_twilio_error(outside, 400, 21606)


def test_the_body_may_hold_1600_characters_and_media_makes_an_mms(api):
    assert send(api, To=PERSON, From=BARE, Body="a" * 1600)["num_segments"] == "11"
    media = send(api, To=PERSON, From=BARE, MediaUrl=["https://example.com/a.png", "https://example.com/b.png"])
    assert media["sid"].startswith("MM") and media["num_media"] == "2" and media["body"] == ""


@pytest.mark.parametrize(("params", "code"), [
    ({"From": BARE, "Body": "x"}, 21604),
    ({"To": "2125551234", "From": BARE, "Body": "x"}, 21211),
    ({"To": "+1 212 555 1234", "From": BARE, "Body": "x"}, 21211),
    ({"To": "+1212", "From": BARE, "Body": "x"}, 21211),
    ({"To": "whatsapp:+14155550123", "From": BARE, "Body": "x"}, 21211),
    ({"To": PERSON, "Body": "x"}, 21603),
    ({"To": PERSON, "MessagingServiceSid": "MG" + "0" * 32, "Body": "x"}, 21701),
    ({"To": PERSON, "From": "hubwire", "Body": "x"}, 21212),
    ({"To": PERSON, "From": "+12125559876", "Body": "x"}, 21606),
    ({"To": PERSON, "From": BARE}, 21602),
    ({"To": PERSON, "From": BARE, "Body": ""}, 21602),
    ({"To": PERSON, "From": BARE, "Body": "a" * 1601}, 21617),
    ({"To": PERSON, "From": BARE, "Body": "x", "StatusCallback": "not a url"}, 21609),
    ({"To": PERSON, "From": BARE, "Body": "x", "StatusCallback": "ftp://example.com/status"}, 21609),
    ({"To": PERSON, "From": BARE, "Body": "x", "StatusCallback": "https://my_host.example/status"}, 21609),
    ({"To": PERSON, "From": BARE, "Body": "x", "StatusCallback": "https://example.com/" + "a" * 4000}, 21609),
    ({"To": PERSON, "From": BARE, "Body": "nul \x00 inside"}, 20001),
])
def test_a_refused_create_answers_twilios_code_and_writes_nothing(api, params, code):
    assert_twilio_error(api.post("/Messages.json", data=params), 400, code)
    assert not Message.objects.exists()


def test_wrong_or_missing_credentials_and_another_accounts_path_are_401(sandbox, api):
    wrong = api.get("/Messages.json", auth=(ACCOUNT_SID, "f" * 32))
    assert assert_twilio_error(wrong, 401, 20003)["message"] == "Authentication Error - invalid username"
    missing = api.get("/Messages.json", auth=None, headers={"Authorization": ""})
    assert assert_twilio_error(missing, 401, 20003)["message"] == "Authenticate"
    other = api.get(f"{sandbox.base_url}/sandbox/api.twilio.com/2010-04-01/Accounts/{OTHER_ACCOUNT}/Messages.json")
    assert_twilio_error(other, 401, 20003)
    created = api.post(f"{sandbox.base_url}/sandbox/api.twilio.com/2010-04-01/Accounts/{OTHER_ACCOUNT}/Messages.json",
                       data={"To": PERSON, "From": BARE, "Body": "x"})
    assert_twilio_error(created, 401, 20003)
    assert not Message.objects.exists()


def test_an_unknown_message_or_method_is_answered_in_twilios_envelope(api):
    missing = assert_twilio_error(api.get(f"/Messages/SM{'0' * 32}.json"), 404, 20404)
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/SM{'0' * 32}.json"
    assert missing["message"] == f"The requested resource {path} was not found"
    assert_twilio_error(api.delete("/Messages.json"), 405, 20004)


def test_the_list_pages_newest_first_with_twilios_page_uris(sandbox, api):
    sids = [send(api, To=PERSON, From=BARE, Body=f"message {n}")["sid"] for n in range(7)]
    base = f"{sandbox.base_url}/sandbox/api.twilio.com"
    first = validate_list(api.get("/Messages.json", params={"PageSize": 3}).json())
    assert [m["sid"] for m in first["messages"]] == sids[::-1][:3]
    assert (first["page"], first["page_size"], first["start"], first["end"]) == (0, 3, 0, 2)
    assert first["first_page_uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json?PageSize=3&Page=0"
    assert first["uri"] == first["first_page_uri"] and first["previous_page_uri"] is None
    assert first["next_page_uri"] == first["first_page_uri"].replace("Page=0", f"Page=1&PageToken=PA{sids[4]}")

    second = validate_list(api.get(base + first["next_page_uri"]).json())
    assert [m["sid"] for m in second["messages"]] == sids[::-1][3:6]
    assert (second["page"], second["start"], second["end"]) == (1, 3, 5)
    third = validate_list(api.get(base + second["next_page_uri"]).json())
    assert [m["sid"] for m in third["messages"]] == [sids[0]] and third["next_page_uri"] is None
    assert (third["start"], third["end"]) == (6, 6)

    back = validate_list(api.get(base + third["previous_page_uri"]).json())
    assert [m["sid"] for m in back["messages"]] == sids[::-1][3:6] and back["page"] == 1
    by_number = api.get("/Messages.json", params={"PageSize": 3, "Page": 2}).json()
    assert [m["sid"] for m in by_number["messages"]] == [sids[0]]


def test_a_message_made_after_the_first_page_does_not_shift_the_next_one(sandbox, api):
    sids = [send(api, To=PERSON, From=BARE, Body=f"message {n}")["sid"] for n in range(4)]
    first = api.get("/Messages.json", params={"PageSize": 2}).json()
    send(api, To=PERSON, From=BARE, Body="newer")
    second = api.get(f"{sandbox.base_url}/sandbox/api.twilio.com{first['next_page_uri']}").json()
    assert [m["sid"] for m in second["messages"]] == [sids[1], sids[0]]


def test_an_empty_list_is_one_empty_page(api):
    empty = validate_list(api.get("/Messages.json").json())
    assert empty["messages"] == [] and (empty["start"], empty["end"], empty["page_size"]) == (0, 0, 50)
    assert empty["next_page_uri"] is None and empty["previous_page_uri"] is None


def test_the_list_filters_by_to_from_and_the_day_sent(sandbox, api):
    early = send(api, To=PERSON, From=BARE, Body="early")
    advance(sandbox, everything=True)  # sent on 3 March
    sandbox.control("clock", seconds=86400)
    other = send(api, To="+14155550199", From=POOLED, Body="to another")
    late = send(api, To=PERSON, From=BARE, Body="late")
    advance(sandbox, everything=True)  # sent on 4 March

    def sids(**params):
        return [m["sid"] for m in validate_list(api.get("/Messages.json", params=params).json())["messages"]]

    assert sids(To=PERSON) == [late["sid"], early["sid"]]
    assert sids(From=POOLED) == [other["sid"]]
    assert sids(DateSent="2031-03-03") == [early["sid"]]
    assert sids(**{"DateSent>": "2031-03-04"}) == [late["sid"], other["sid"]]
    assert sids(**{"DateSent<": "2031-03-03"}) == [early["sid"]]
    assert sids(To=PERSON, **{"DateSent>": "2031-03-04"}) == [late["sid"]]
    assert sids(**{"DateSent<": "Tue, 04 Mar 2031 00:00:00 +0000"}) == [early["sid"]]  # an instant, RFC 2822
    assert sids(**{"DateSent>": "2031-03-04T09:00:00Z"}) == [late["sid"], other["sid"]]  # an instant, ISO 8601
    assert sids(DateSent="9999-12-31") == [] and sids(**{"DateSent<": "0001-01-01"}) == []
    paged = api.get("/Messages.json", params={"To": PERSON, "PageSize": 1}).json()
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert paged["next_page_uri"].startswith(f"{path}?To=%2B14155550123&PageSize=1&Page=1&PageToken=PA")


@pytest.mark.parametrize("params", [{"PageSize": "0"}, {"PageSize": "1001"}, {"PageSize": "ten"}, {"Page": "-1"},
                                    {"PageToken": "PAnot-a-message"}, {"PageToken": "XX"}, {"DateSent": "yesterday"},
                                    {"DateSent": "2031-02-30"}])
def test_bad_paging_or_filter_values_are_a_400_naming_them(api, params):
    body = assert_twilio_error(api.get("/Messages.json", params=params), 400, 20001)
    assert next(iter(params)) in body["message"]


def test_the_official_twilio_library_sends_lists_and_reads_dates(sandbox, api):
    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    client.api.base_url = f"{sandbox.base_url}/sandbox/api.twilio.com"
    created = client.messages.create(to=PERSON, from_=BARE, body="From the SDK")
    assert created.status == "queued" and created.num_segments == "1"
    for n in range(4):
        send(api, To=PERSON, From=BARE, Body=f"message {n}")
    listed = client.messages.list(page_size=2)  # follows next_page_uri twice
    assert len(listed) == 5 and listed[-1].sid == created.sid
    fetched = client.messages(created.sid).fetch()
    assert fetched.date_created == datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)
    assert fetched.body == "From the SDK" and fetched.to == PERSON
