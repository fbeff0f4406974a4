"""A Google user signed in to the sandbox Google Calendar, and how Google's errors look."""

from datetime import timedelta

import httpx
import pytest

from hubwire.sandbox import clock
from hubwire.sandbox.models import Token
from hubwire.sandbox.oauth import subject_for
from hubwire.sandbox.servers import GOOGLE

EMAIL = "dana@gmail.example"
# How long a test waits for one answer: generous, since a busy machine is slow, not wrong (a watch
# request also waits for its first push to be delivered), and httpx's own default is 5 seconds.
TIMEOUT = 60
EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events"
MEETING = {"summary": "Strategy call", "description": "hubwire appointment 7",
           "start": {"dateTime": "2031-03-04T10:00:00+08:00", "timeZone": "Asia/Shanghai"},
           "end": {"dateTime": "2031-03-04T11:00:00+08:00", "timeZone": "Asia/Shanghai"},
           "attendees": [{"email": "pat@example.com"}], "extendedProperties": {"private": {"hubwire_id": "7"}}}


def google_token(value: str, email: str = EMAIL, scope: str = EVENTS_SCOPE) -> None:
    now = clock.now()
    Token.objects.create(server="google", client_id="sandbox-google", kind=Token.ACCESS, value=value, family=value,
                         scope=scope, subject=subject_for(GOOGLE, email), created_at=now,
                         expires_at=now + timedelta(hours=1))


@pytest.fixture
def gcal(sandbox):
    google_token("ya29-dana")
    return httpx.Client(base_url=f"{sandbox.base_url}/sandbox/www.googleapis.com/calendar/v3/calendars/primary",
                        headers={"Authorization": "Bearer ya29-dana"}, timeout=TIMEOUT)


def assert_google_error(response, status: int, reason: str, words: str = "") -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status and error["errors"][0]["reason"] == reason
    assert words in error["message"]
