"""Quiet hours: an automated text waits until the quiet hours end, on the wall clock of the workspace's
zone (contacts have none of their own), including the nights the clocks change; and the form that
changes them, which refuses bad times naming the field and writes nothing."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hubwire.core.models import AuditEntry
from hubwire.crm.services import people
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.twilio.config import config_of, config_update
from hubwire.integrations.twilio.quiet import hold_until
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db
NEW_YORK, LONDON, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")
URL = "/integrations/twilio/quiet-hours/"


def business(workspace, zone: str):
    """`workspace` in `zone` with an active Twilio connection (quiet hours as config.py has them: on,
    21:00-08:00), and a contact."""
    workspace.time_zone = zone
    workspace.save(update_fields=["time_zone"])
    Connection.objects.create(workspace=workspace, provider="twilio", status=ConnectionStatus.ACTIVE)
    contact = people.contact_create(workspace=workspace, actor="test", first_name="Maya", phone="+12125551234")
    return workspace, contact


def at(zone: ZoneInfo, *when) -> datetime:
    return datetime(*when, tzinfo=zone)


@pytest.fixture
def new_york(workspace):
    return business(workspace, "America/New_York")


@pytest.mark.parametrize("local, held_until", [
    ((2031, 6, 10, 12, 0), None),                          # midday
    ((2031, 6, 10, 20, 59, 59), None),                     # the last second before
    ((2031, 6, 10, 21, 0), (2031, 6, 11, 8, 0)),           # the first second of the quiet hours
    ((2031, 6, 10, 23, 59, 59), (2031, 6, 11, 8, 0)),
    ((2031, 6, 11, 0, 0), (2031, 6, 11, 8, 0)),            # past midnight: until this morning, not tomorrow's
    ((2031, 6, 11, 7, 59, 59), (2031, 6, 11, 8, 0)),
    ((2031, 6, 11, 8, 0), None),                           # the end: it may go
])
def test_the_boundaries_of_the_quiet_hours(new_york, local, held_until):
    workspace, contact = new_york
    expected = at(NEW_YORK, *held_until) if held_until else None
    assert hold_until(workspace, contact, now=at(NEW_YORK, *local)) == expected


def test_the_same_instant_is_quiet_in_one_zone_and_not_in_another(workspace, other_workspace):
    new_york, ny_contact = business(workspace, "America/New_York")
    tokyo, tokyo_contact = business(other_workspace, "Asia/Tokyo")
    instant = datetime(2031, 6, 11, 1, 30, tzinfo=UTC)  # 21:30 in New York (EDT), 10:30 in Tokyo
    assert hold_until(new_york, ny_contact, now=instant) == datetime(2031, 6, 11, 12, 0, tzinfo=UTC)
    assert hold_until(tokyo, tokyo_contact, now=instant) is None
    late_in_tokyo = datetime(2031, 6, 11, 13, 30, tzinfo=UTC)  # 22:30 in Tokyo, 09:30 in New York
    assert hold_until(tokyo, tokyo_contact, now=late_in_tokyo) == at(TOKYO, 2031, 6, 12, 8, 0)
    assert hold_until(new_york, ny_contact, now=late_in_tokyo) is None


def test_the_nights_the_clocks_change_keep_the_wall_clock_hours(workspace, other_workspace):
    new_york, ny_contact = business(workspace, "America/New_York")
    london, london_contact = business(other_workspace, "Europe/London")
    # New York springs forward at 02:00 on Sunday 9 March 2031: 21:30 EST to 08:00 EDT is 9.5 hours.
    held = hold_until(new_york, ny_contact, now=at(NEW_YORK, 2031, 3, 8, 21, 30))
    assert held == datetime(2031, 3, 9, 12, 0, tzinfo=UTC)
    assert (held - at(NEW_YORK, 2031, 3, 8, 21, 30)).total_seconds() == 9.5 * 3600
    # ... and falls back on Sunday 2 November 2031: 22:00 EDT to 08:00 EST is 11 hours.
    held = hold_until(new_york, ny_contact, now=at(NEW_YORK, 2031, 11, 1, 22, 0))
    assert held == datetime(2031, 11, 2, 13, 0, tzinfo=UTC)
    # London springs forward at 01:00 on Sunday 30 March 2031: 08:00 BST is 07:00 UTC.
    assert hold_until(london, london_contact, now=at(LONDON, 2031, 3, 29, 23, 0)) == datetime(
        2031, 3, 30, 7, 0, tzinfo=UTC)
    # The hour the clocks repeat (01:00-02:00 on 2 November in New York) is quiet both times round.
    first = datetime(2031, 11, 2, 5, 30, tzinfo=UTC)   # 01:30 EDT
    second = datetime(2031, 11, 2, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert first.astimezone(NEW_YORK).time() == second.astimezone(NEW_YORK).time()
    assert hold_until(new_york, ny_contact, now=first) == hold_until(new_york, ny_contact, now=second) == datetime(
        2031, 11, 2, 13, 0, tzinfo=UTC)


def test_an_end_the_clocks_skip_is_never_early(new_york):
    """Quiet until 02:30 on the night New York skips 02:00-03:00: nothing goes before the skipped hour."""
    workspace, contact = new_york
    config_update(Connection.objects.get(workspace=workspace), quiet_start="21:00", quiet_end="02:30")
    held = hold_until(workspace, contact, now=at(NEW_YORK, 2031, 3, 9, 1, 0))
    assert held >= datetime(2031, 3, 9, 7, 0, tzinfo=UTC)  # 03:00 EDT, the first instant after the gap
    assert held.astimezone(NEW_YORK).hour == 3
    assert hold_until(workspace, contact, now=datetime(2031, 3, 9, 7, 0, tzinfo=UTC)) is None


def test_a_window_within_one_day_and_quiet_hours_off(new_york):
    workspace, contact = new_york
    connection = Connection.objects.get(workspace=workspace)
    config_update(connection, quiet_start="12:00", quiet_end="13:30")
    assert hold_until(workspace, contact, now=at(NEW_YORK, 2031, 6, 10, 11, 59)) is None
    assert hold_until(workspace, contact, now=at(NEW_YORK, 2031, 6, 10, 12, 0)) == at(NEW_YORK, 2031, 6, 10, 13, 30)
    assert hold_until(workspace, contact, now=at(NEW_YORK, 2031, 6, 10, 22, 0)) is None
    config_update(connection, quiet_hours=False)
    assert hold_until(workspace, contact, now=at(NEW_YORK, 2031, 6, 10, 12, 30)) is None


def test_the_workspaces_zone_is_read_when_asked(new_york):
    workspace, contact = new_york
    instant = datetime(2031, 6, 11, 2, 0, tzinfo=UTC)  # 22:00 in New York, 03:00 in London
    assert hold_until(workspace, contact, now=instant) == at(NEW_YORK, 2031, 6, 11, 8, 0)
    workspace.time_zone = "Europe/London"
    workspace.save(update_fields=["time_zone"])
    assert hold_until(workspace, contact, now=instant) == at(LONDON, 2031, 6, 11, 8, 0)


# --- the form ----------------------------------------------------------------------------------------

def test_the_owner_changes_quiet_hours(new_york, owner):
    workspace, _ = new_york
    response = logged_in(owner).post(URL, {"quiet_hours": "1", "quiet_start": "20:30", "quiet_end": "07:45",
                                           "shown_on": "conversations"})
    assert response.status_code == 302 and response["Location"] == "/integrations/twilio/conversations/"
    config = config_of(Connection.objects.get(workspace=workspace))
    assert (config.quiet_hours, config.quiet_start, config.quiet_end) == (True, "20:30", "07:45")

    response = logged_in(owner).post(URL, {"quiet_start": "20:30", "quiet_end": "07:45"})  # the box unticked
    assert response.status_code == 302 and response["Location"] == "/integrations/twilio/"
    assert not config_of(Connection.objects.get(workspace=workspace)).quiet_hours
    logged_in(owner).post(URL, {"quiet_start": "20:30", "quiet_end": "07:45"})  # the same again: no change

    changes = AuditEntry.objects.filter(workspace=workspace, action="sms_quiet_hours_changed").order_by("pk")
    assert [(c.actor, c.detail) for c in changes] == [(owner, "21:00–08:00 → 20:30–07:45"), (owner, "20:30–07:45 → off")]


@pytest.mark.parametrize("posted, field, words", [
    ({"quiet_start": "25:00"}, "quiet_start", "HH:MM on a 24-hour clock"),
    ({"quiet_start": ""}, "quiet_start", "Enter the start"),
    ({"quiet_end": "7am"}, "quiet_end", "Enter the end"),
    ({"quiet_end": "07:60"}, "quiet_end", "HH:MM"),
    ({"quiet_start": "08:00", "quiet_end": "08:00"}, "quiet_end", "must differ from the start"),
    ({"quiet_hours": "yes"}, "quiet_hours", "Send 1 to turn quiet hours on"),
])
def test_bad_quiet_hours_are_refused_naming_the_field_and_nothing_is_written(new_york, owner, posted, field, words):
    workspace, _ = new_york
    connection = Connection.objects.get(workspace=workspace)
    before = connection.details
    form = {"quiet_hours": "1", "quiet_start": "21:00", "quiet_end": "08:00", "shown_on": "conversations", **posted}
    response = logged_in(owner).post(URL, form)
    assert response.status_code == 422
    assert words in response.context["sms_quiet_errors"][field]
    page = response.content.decode()
    assert f'data-testid="error-{field}"' in page and words in page.replace("&#x27;", "'")
    assert '<input type="hidden" name="shown_on" value="conversations">' in page  # the next try comes back here
    connection.refresh_from_db()
    assert connection.details == before


def test_a_refusal_on_the_tab_is_shown_on_the_tab(new_york, owner):
    response = logged_in(owner).post(URL, {"quiet_hours": "1", "quiet_start": "9pm", "quiet_end": "08:00",
                                           "shown_on": "tab"})
    assert response.status_code == 422
    assert [t.name for t in response.templates][0] == "integrations/page.html"
    assert "quiet_start" in response.context["sms_quiet_errors"]


def test_members_see_quiet_hours_but_cannot_change_them(new_york, member):
    workspace, _ = new_york
    client = logged_in(member)
    assert client.post(URL, {"quiet_hours": "", "quiet_start": "01:00", "quiet_end": "02:00"}).status_code == 403
    assert config_of(Connection.objects.get(workspace=workspace)).quiet_start == "21:00"
    page = client.get("/integrations/twilio/conversations/").content.decode()
    assert 'data-testid="quiet-hours-summary"' in page and "from 21:00 until 08:00" in page
    assert 'data-testid="quiet-hours-form"' not in page


def test_without_a_connection_there_is_nothing_to_save(owner, workspace):
    response = logged_in(owner).post(URL, {"quiet_hours": "1", "quiet_start": "21:00", "quiet_end": "08:00"},
                                     follow=True)
    assert "Connect Twilio first" in response.content.decode()
    assert not Connection.objects.filter(workspace=workspace).exists()


def test_a_forged_page_name_is_a_400(new_york, owner):
    response = logged_in(owner).post(URL, {"quiet_start": "21:00", "quiet_end": "08:00", "shown_on": "admin"})
    assert response.status_code == 400 and b"shown_on" in response.content
