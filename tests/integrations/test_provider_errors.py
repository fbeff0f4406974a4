"""Each provider's error envelope becomes words a business owner can act on, the provider's code,
and whether trying again can help (Provider.explain_error, carried by ProviderError from
http.raise_for_status). Recorded vendor bodies (fixtures/) for the providers whose sandbox does not
exist yet; the sandbox Twilio for its 401."""

import json
from pathlib import Path

import httpx
import pytest

from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.registry import PROVIDERS

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(path: str, status: int) -> httpx.Response:
    body = (FIXTURES / path).read_bytes()
    return httpx.Response(status, content=body, headers={"Content-Type": "application/json"},
                          request=httpx.Request("GET", "https://api.example.test/"))


def failure(provider_key: str, response: httpx.Response) -> ProviderError:
    with pytest.raises(ProviderError) as raised:
        raise_for_status(PROVIDERS[provider_key], response)
    return raised.value


@pytest.mark.parametrize("path, status, code, words, retryable", [
    ("quickbooks/fault_6240_duplicate_name.json", 400, "6240",
     "A customer, vendor or employee in QuickBooks already has this name.", False),
    ("quickbooks/fault_5010_stale_object.json", 400, "5010",
     "changed in QuickBooks after hubwire last read it", True),
    ("quickbooks/fault_610_object_not_found.json", 400, "610", "made inactive or deleted there", False),
    ("quickbooks/fault_401_authentication.json", 401, "3200", "Reconnect QuickBooks to continue.", False),
    # A code hubwire has no words for keeps Intuit's Detail, which names the field.
    ("quickbooks/fault_2020_required_param.json", 400, "2020",
     "Required parameter Line.DetailType is missing in the request", False),
])
def test_intuit_faults_are_explained(path, status, code, words, retryable):
    error = failure("quickbooks", recorded(path, status))
    assert words in str(error)
    assert (error.status, error.code, error.retryable) == (status, code, retryable)


def test_intuit_throttling_in_plain_text_is_retryable():
    """A 429 from Intuit may be its key=value text alone, not JSON (providers.md §2.5)."""
    response = httpx.Response(429, text="message=ThrottleExceeded; errorCode=003001; statusCode=429",
                              request=httpx.Request("GET", "https://quickbooks.api.intuit.com/"))
    error = failure("quickbooks", response)
    assert "limiting how fast hubwire may call it" in str(error)
    assert (error.code, error.retryable) == ("3001", True)


@pytest.mark.parametrize("provider_key, path, status, code, words, retryable", [
    # A 403 that is a rate limit is worth retrying; a 403 that is a permission is not.
    ("google_calendar", "google_calendar/error_403_rate_limit_exceeded.json", 403, "rateLimitExceeded",
     "limiting how fast hubwire may call it", True),
    ("google_calendar", "google_calendar/error_403_user_rate_limit_exceeded.json", 403, "userRateLimitExceeded",
     "limiting how fast hubwire may call it", True),
    ("google_calendar", "google_calendar/error_403_quota_exceeded.json", 403, "quotaExceeded",
     "usage limit for hubwire has been reached", True),
    ("google_calendar", "google_calendar/error_404_not_found.json", 404, "notFound",
     "no longer exists in Google", False),
    ("google_calendar", "google_calendar/error_410_full_sync_required.json", 410, "fullSyncRequired",
     "hubwire will read everything again", False),
    ("google_calendar", "google_calendar/error_410_deleted.json", 410, "deleted", "was deleted in Google", False),
    ("google_workspace", "google_workspace/error_409_duplicate_user.json", 409, "duplicate",
     "already exists in Google", False),
    ("google_workspace", "google_workspace/error_403_forbidden.json", 403, "forbidden", "needs a super admin", False),
    ("google_workspace", "google_workspace/error_429_rate_limit_exceeded.json", 429, "rateLimitExceeded",
     "limiting how fast hubwire may call it", True),
])
def test_google_reasons_are_explained_for_calendar_and_workspace(provider_key, path, status, code, words, retryable):
    error = failure(provider_key, recorded(path, status))
    assert words in str(error)
    assert (error.status, error.code, error.retryable) == (status, code, retryable)


@pytest.mark.parametrize("path, status, code, words, retryable", [
    ("twilio/error_21211_invalid_to.json", 400, "21211", "not a valid number for text messages", False),
    ("twilio/error_21610_unsubscribed.json", 400, "21610", "They must reply START", False),
    ("twilio/error_20003_authentication.json", 401, "20003", "Paste the current ones", False),
    ("twilio/error_20429_too_many_requests.json", 429, "20429", "hubwire will try again shortly", True),
    ("twilio/error_21614_not_mobile.json", 400, "21614", "cannot receive text messages", False),
])
def test_twilio_codes_are_explained_with_twilio_s_reference(path, status, code, words, retryable):
    error = failure("twilio", recorded(path, status))
    assert words in str(error)
    assert f"(Twilio error {code}" in str(error) and f"https://www.twilio.com/docs/errors/{code}" in str(error)
    assert (error.status, error.code, error.retryable) == (status, code, retryable)


def test_an_unknown_twilio_code_keeps_twilio_s_words():
    body = json.dumps({"code": 21408, "message": "Permission to send an SMS has not been enabled for the region",
                       "more_info": "https://www.twilio.com/docs/errors/21408", "status": 400})
    body = body.replace("21408", "21999")  # a code the table does not know
    error = failure("twilio", httpx.Response(400, content=body.encode(),
                                             request=httpx.Request("POST", "https://api.twilio.com/")))
    assert "Permission to send an SMS has not been enabled for the region (Twilio error 21999:" in str(error)
    assert (error.code, error.retryable) == ("21999", False)


@pytest.mark.parametrize("status, retryable", [(404, False), (429, True), (503, True)])
def test_providers_without_a_table_keep_their_words_and_retry_by_status(status, retryable):
    """Zoom's {"code","message"} envelope, as before explain_error existed."""
    response = httpx.Response(status, json={"code": 3001, "message": "Meeting does not exist: 123."},
                              request=httpx.Request("GET", "https://api.zoom.us/v2/meetings/123"))
    error = failure("zoom", response)
    assert str(error) == f"Zoom answered {status}: Meeting does not exist: 123."
    assert (error.code, error.retryable) == ("3001", retryable)


def test_a_secret_in_an_explained_error_is_scrubbed():
    response = httpx.Response(400, json={"code": 21211, "message": "Invalid 'To' access_token=abc123secret",
                                         "more_info": "https://www.twilio.com/docs/errors/21999"},
                              request=httpx.Request("POST", "https://api.twilio.com/"))
    error = failure("twilio", response)
    assert "abc123secret" not in str(error)
