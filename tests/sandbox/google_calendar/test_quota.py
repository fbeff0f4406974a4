"""The sandbox Google Calendar's per-user quota (providers.md §3.4): 600 requests a minute per Google
user, a sliding window on the sandbox clock; past it, Google's envelope with rateLimitExceeded in the
usageLimits domain, as a 403 or (by setting) a 429."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from hubwire.sandbox.google_calendar import throttle
from hubwire.sandbox.google_calendar.models import Event
from tests.conftest import SANDBOX_DB, in_threads
from tests.sandbox.google_calendar.conftest import MEETING, TIMEOUT, assert_google_error, google_token

pytestmark = SANDBOX_DB


@pytest.fixture
def frozen(sandbox):
    """The sandbox clock stands still, so every request of a test falls in the second it chooses."""
    sandbox.control("clock-freeze", frozen=True)
    return lambda seconds: sandbox.control("clock", seconds=seconds)


def assert_rate_limited(response, status: int = 403) -> None:
    assert_google_error(response, status, "rateLimitExceeded", "Rate Limit Exceeded")
    assert response.json()["error"]["errors"][0]["domain"] == "usageLimits"


def test_the_601st_request_in_a_minute_is_refused_and_a_minute_later_accepted(gcal, frozen):
    # Sent from a few threads at once only to take less time; the count is the same.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: gcal.get("/events", params={"maxResults": 1}).status_code, range(600)))
    assert statuses == [200] * 600
    assert_rate_limited(gcal.get("/events"))
    assert_rate_limited(gcal.post("/events", json=MEETING))  # every route, writes too
    assert not Event.objects.exists()  # a refused write writes nothing

    frozen(60)
    assert gcal.post("/events", json=MEETING).status_code == 200
    assert Event.objects.count() == 1


def test_the_window_slides_a_second_at_a_time(gcal, frozen, settings):
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_REQUESTS_PER_MINUTE = 3
    assert gcal.get("/events").status_code == 200  # at 0 s
    frozen(30)
    assert [gcal.get("/events").status_code for _ in range(2)] == [200, 200]  # at 30 s
    frozen(29)
    assert_rate_limited(gcal.get("/events"))  # at 59 s all three are within the last minute
    frozen(1)
    assert gcal.get("/events").status_code == 200  # at 60 s the first has left the window
    assert_rate_limited(gcal.get("/events"))  # a fixed minute would have let this one through too
    frozen(30)
    assert [gcal.get("/events").status_code for _ in range(2)] == [200, 200]  # at 90 s both of 30 s are gone


def test_another_user_keeps_their_own_quota(gcal, sandbox, frozen, settings):
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_REQUESTS_PER_MINUTE = 2
    google_token("ya29-lee", email="lee@gmail.example")
    lee = httpx.Client(base_url=str(gcal.base_url), headers={"Authorization": "Bearer ya29-lee"}, timeout=TIMEOUT)
    assert [gcal.get("/events").status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(gcal.get("/events"))
    assert [lee.get("/events").status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(lee.get("/events"))


def test_the_status_setting_chooses_429(gcal, frozen, settings):
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_REQUESTS_PER_MINUTE = 1
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_RATE_LIMIT_STATUS = 429
    assert gcal.get("/events").status_code == 200
    assert_rate_limited(gcal.get("/events"), 429)
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_RATE_LIMIT_STATUS = 403
    assert_rate_limited(gcal.get("/events"), 403)


def test_a_status_google_never_answers_is_a_configuration_error(settings):
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_RATE_LIMIT_STATUS = 500
    with pytest.raises(ImproperlyConfigured, match="403 or 429"):
        throttle.refusal_status()


def test_requests_at_the_same_moment_never_share_the_last_places(gcal, frozen, settings):
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_REQUESTS_PER_MINUTE = 5
    statuses, errors = in_threads(12, lambda: httpx.get(str(gcal.base_url.join("events")), headers=gcal.headers,
                                                       timeout=TIMEOUT).status_code)
    assert not errors
    assert sorted(statuses) == [200] * 5 + [403] * 7


def test_a_request_without_credentials_is_401_not_counted(gcal, frozen, settings):
    settings.HUBWIRE_SANDBOX_GOOGLE_CALENDAR_REQUESTS_PER_MINUTE = 1
    anonymous = httpx.get(str(gcal.base_url.join("events")), timeout=TIMEOUT)
    assert_google_error(anonymous, 401, "authError")
    assert gcal.get("/events").status_code == 200
