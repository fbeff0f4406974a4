"""Push notifications: the channel hubwire opens on connect, verified by its token, renewed before it
expires, stopped on disconnect (providers.md §3.3)."""

import httpx

from hubwire.core.clock import shift_by
from hubwire.integrations.google_calendar import schedule as calendar_schedule
from hubwire.integrations.google_calendar.watch import channel_token
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import InboundEvent
from hubwire.sandbox.google_calendar.models import Channel
from hubwire.sync.models import Schedule, SyncPass
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs

pytestmark = SANDBOX_DB


def push(calendar, *, channel_id=None, token=None, state="exists", number="7", url=None):
    config = calendar.config
    headers = {"X-Goog-Channel-ID": channel_id or config.channel_id, "X-Goog-Message-Number": number,
               "X-Goog-Resource-ID": config.channel_resource_id, "X-Goog-Resource-State": state,
               "X-Goog-Channel-Token": token if token is not None else channel_token(calendar.refresh(),
                                                                                      config.channel_id)}
    return httpx.post(url or connection_inbound_url(connection=calendar.refresh()), content=b"", headers=headers,
                      timeout=30)


def test_the_channel_posts_to_this_connections_url_with_a_token(calendar):
    [channel] = Channel.objects.filter(stopped=False)
    assert channel.address == connection_inbound_url(connection=calendar.refresh())
    assert channel.channel_id == calendar.config.channel_id and len(channel.token) >= 40


def test_a_push_queues_one_read(calendar, workspace):
    assert push(calendar).status_code == 200
    assert push(calendar, number="8").status_code == 200
    assert push(calendar, number="8").json() == {"received": True, "duplicate": True}
    run_jobs()
    events = InboundEvent.objects.filter(provider="google_calendar", event_type="events.exists")
    assert events.count() == 2 and all(e.outcome.startswith("queued a read") for e in events)


def test_a_forged_channel_token_is_refused_and_nothing_is_stored(calendar):
    before = InboundEvent.objects.count()
    assert push(calendar, token="not-the-token").status_code == 401
    assert push(calendar, token="").status_code == 401
    assert push(calendar, channel_id="someone-elses-channel").status_code == 401
    assert push(calendar, state="weird").status_code == 400
    assert push(calendar, number="seven").status_code == 400
    assert InboundEvent.objects.count() == before


def test_a_push_on_another_connections_url_is_refused(calendar, sandbox):
    url = calendar.sandbox.base_url + "/integrations/google_calendar/events/" + "x" * 43 + "/"
    assert push(calendar, url=url).status_code in (401, 404)


def test_the_channel_is_renewed_before_it_expires(calendar, workspace, settings):
    settings.HUBWIRE_GOOGLE_CALENDAR_CHANNEL_RENEW_BEFORE_SECONDS = 24 * 3600
    first = calendar.config.channel_id
    safety = Schedule.objects.get(workspace=workspace, provider="google_calendar", name=calendar_schedule.SAFETY)
    assert "live" in calendar_schedule.safety(safety)  # a week left: nothing to do
    shift_by(6 * 24 * 3600 + 60)  # a day before the week is out
    assert "renewed" in calendar_schedule.safety(safety)
    renewed = calendar.config.channel_id
    assert renewed != first
    assert Channel.objects.get(channel_id=first).stopped
    assert not Channel.objects.get(channel_id=renewed).stopped
    assert SyncPass.objects.filter(workspace=workspace, name="google_calendar.pull").exists()


def test_disconnecting_stops_the_channel(calendar, owner_client):
    channel_id = calendar.config.channel_id
    assert owner_client.post("/integrations/google_calendar/disconnect/", {"mode": ""}).status_code == 302
    assert Channel.objects.get(channel_id=channel_id).stopped
    connection = calendar.refresh()
    assert connection.status == "not_connected" and not calendar.config.channel_id
    assert "channels" not in (connection.credentials or {})


def test_a_push_on_the_installations_one_url_is_refused_and_nothing_is_stored(calendar):
    before = InboundEvent.objects.count()
    answer = push(calendar, url=calendar.sandbox.base_url + "/integrations/google_calendar/events/")
    assert answer.status_code == 404 and "own URL" in answer.json()["error"]
    assert InboundEvent.objects.count() == before
