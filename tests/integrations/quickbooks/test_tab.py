"""The QuickBooks tab's set-up (issue 18, item 1): the Enable switch (first, as the seed says; it records
when, once; off pauses QuickBooks' schedules and says so), what to enter in the Intuit app with copy
buttons (each value checked against what it must be), and the business's choices (checked, nothing
saved when wrong; a new export time moves the schedule)."""

import re
from datetime import time
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import resolve
from django.utils import timezone

from hubwire.core.models import AuditEntry
from hubwire.integrations.inbound_urls import connection_for_inbound_token
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.config import config_of
from hubwire.sandbox.models import Grant
from hubwire.sync.models import Schedule
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.quickbooks.conftest import connect_quickbooks

pytestmark = SANDBOX_DB


@pytest.fixture
def quickbooks(quickbooks_on):
    """The tab's story: QuickBooks turned on with the switch before connecting."""
    return quickbooks_on

TAB = "/integrations/quickbooks/"
ENABLE = "/integrations/quickbooks/enable/"
CHOICES = "/integrations/quickbooks/choices/"
GOOD_CHOICES = {"item_name": "Services", "tax": "line", "export_time": "06:00"}


def switch(client, on: bool, **headers):
    return client.post(ENABLE, {"enabled": "1" if on else "0"}, **headers)


def connection_of(workspace) -> Connection:
    return Connection.objects.get(workspace=workspace, provider="quickbooks")


def export_schedule(workspace) -> Schedule:
    return Schedule.objects.get(workspace=workspace, provider="quickbooks", name="quickbooks.export")


def copy_values(html: str) -> dict[str, str]:
    """Each copy button's value, by its test id."""
    return {name: unescape(value) for value, name in
            re.findall(r'data-copy="([^"]*)" data-testid="copy-([a-z_]+)"', html)}


def flashes(response) -> list[str]:
    return [m.message for m in response.context["messages"]]


# --- the switch ----------------------------------------------------------------------------------

def test_before_it_is_on_the_tab_explains_and_offers_only_the_switch(owner_client, workspace):
    html = owner_client.get(TAB).content.decode()
    assert 'data-testid="quickbooks-toggle"' in html and 'aria-pressed="false"' in html
    assert "Only invoices created after you turn QuickBooks on are ever exported" in html
    for absent in ('data-testid="intuit-app-setup"', 'data-testid="credentials-form"', 'data-testid="connect"',
                   'data-testid="choices-form"'):
        assert absent not in html, absent
    assert not Connection.objects.filter(workspace=workspace).exists()  # looking changes nothing


def test_turning_it_on_records_the_moment_once(owner_client, workspace, owner):
    before = timezone.now()
    response = switch(owner_client, True)
    assert response.status_code == 302 and response["Location"] == TAB
    first = config_of(connection_of(workspace))
    assert first.enabled and before <= first.enabled_since <= timezone.now()

    switch(owner_client, False)
    assert not config_of(connection_of(workspace)).enabled
    switch(owner_client, True)
    again = config_of(connection_of(workspace))
    assert again.enabled and again.enabled_at == first.enabled_at  # invoices from before the first time stay out

    html = owner_client.get(TAB).content.decode()
    assert f"On since {first.enabled_since:%Y-%m-%d %H:%M} UTC: invoices created before then are never exported" in html
    assert list(AuditEntry.objects.filter(subject="quickbooks").order_by("id").values_list("action", "actor")) == [
        ("quickbooks_enabled", owner.pk), ("quickbooks_disabled", owner.pk), ("quickbooks_enabled", owner.pk)]


def test_turning_it_off_pauses_the_export_and_says_so_and_on_resumes_at_the_next_slot(quickbooks, owner_client,
                                                                                       workspace):
    assert export_schedule(workspace).enabled  # connected and on

    response = switch(owner_client, False)
    assert flashes(owner_client.get(response["Location"]))[-1] == (
        "QuickBooks is off: its scheduled export is paused and nothing is sent to QuickBooks until you turn it on "
        "again. The connection is kept.")
    assert not export_schedule(workspace).enabled
    html = owner_client.get(TAB).content.decode()
    assert 'data-testid="quickbooks-off"' in html and "Its scheduled export is paused" in html
    assert '<td data-testid="sync-schedule-next">Paused</td>' in html  # the sync panel says it too
    assert 'data-testid="disconnect"' in html  # a live connection can still be disconnected while off
    assert quickbooks.refresh().status == ConnectionStatus.ACTIVE

    # Paused over a slot it would have run at; on again, it does not make that slot up.
    Schedule.objects.filter(pk=export_schedule(workspace).pk).update(next_run_at=timezone.now())
    turned_on = timezone.now()
    switch(owner_client, True)
    resumed = export_schedule(workspace)
    assert resumed.enabled and resumed.next_run_at > turned_on
    assert resumed.next_run_at.astimezone(ZoneInfo("UTC")).time() == time(6, 0)  # the workspace is on UTC


def test_htmx_gets_the_tab_back_with_the_switch_turned(owner_client, workspace):
    response = switch(owner_client, True, headers={"HX-Request": "true"}, follow=True)
    html = response.content.decode()
    assert 'aria-pressed="true"' in html and 'data-testid="intuit-app-setup"' in html
    assert "<html" not in html  # only the page's state region


def test_connecting_while_off_leaves_the_export_paused(sandbox, owner_client, workspace):
    switch(owner_client, True)
    switch(owner_client, False)
    connect_quickbooks(owner_client, workspace)
    assert not export_schedule(workspace).enabled and not config_of(connection_of(workspace)).enabled


def test_a_forged_switch_value_is_refused_naming_the_field(owner_client, workspace):
    response = owner_client.post(ENABLE, {"enabled": "yes please"})
    assert response.status_code == 400 and b"enabled: send 1 (on) or 0 (off)." in response.content
    assert not Connection.objects.filter(workspace=workspace).exists()


def test_a_member_sees_the_state_but_no_switch_and_no_app_values(quickbooks, member):
    html = logged_in(member).get(TAB).content.decode()
    assert 'data-testid="quickbooks-toggle"' not in html and '<span class="badge green">On</span>' in html
    assert 'data-testid="intuit-app-setup"' not in html and "/integrations/quickbooks/events/" not in html  # private
    assert 'data-testid="choices-form"' not in html and "<dt>Service item</dt><dd>Services</dd>" in html


# --- what to enter in the Intuit app ----------------------------------------------------------------

def test_the_copy_buttons_hold_exactly_what_intuit_needs(quickbooks, owner_client, workspace, settings):
    base = settings.HUBWIRE_BASE_URL
    html = owner_client.get(TAB).content.decode()
    values = copy_values(html)
    assert set(values) == {"host_domain", "launch_url", "disconnect_url", "redirect_uri", "webhook_url"}
    for name, value in values.items():  # shown beside its button as it will be copied
        assert re.search(rf'<code data-testid="intuit-{name}">{re.escape(value)}</code>', unescape(html)), name

    assert values["host_domain"] == urlsplit(base).hostname == "localhost"
    assert values["launch_url"] == f"{base}{TAB}"
    assert owner_client.get(urlsplit(values["launch_url"]).path).status_code == 200
    assert resolve(urlsplit(values["disconnect_url"]).path).url_name == "quickbooks_disconnected"
    # The redirect URI is the very one the sign-in used (Intuit refuses a sign-in with any other).
    [grant] = Grant.objects.all()
    assert values["redirect_uri"] == grant.redirect_uri == f"{base}/integrations/quickbooks/callback/"
    # The webhook URL is this connection's own event URL.
    parts = urlsplit(values["webhook_url"])
    assert f"{parts.scheme}://{parts.netloc}" == base
    match = resolve(parts.path)
    assert match.url_name == "connection_events" and match.kwargs["key"] == "quickbooks"
    assert connection_for_inbound_token(provider_key="quickbooks", token=match.kwargs["token"]) == quickbooks.connection
    assert 'data-testid="intuit-scopes">Accounting</strong>' in html
    # Shown again, the same URL (the token is made once).
    assert copy_values(owner_client.get(TAB).content.decode())["webhook_url"] == values["webhook_url"]


def test_each_workspace_gets_its_own_webhook_url(sandbox, owner_client, workspace, outsider, other_workspace):
    outsider_client = logged_in(outsider)
    switch(owner_client, True)
    switch(outsider_client, True)
    ours = copy_values(owner_client.get(TAB).content.decode())["webhook_url"]
    theirs = copy_values(outsider_client.get(TAB).content.decode())["webhook_url"]
    assert ours != theirs
    token = resolve(urlsplit(theirs).path).kwargs["token"]
    assert connection_for_inbound_token(provider_key="quickbooks", token=token).workspace == other_workspace


# --- the business's choices -----------------------------------------------------------------------

@pytest.mark.parametrize("field, value, error", [
    ("item_name", "   ", "Service item: enter the name of the QuickBooks product or service invoice lines go to."),
    ("item_name", "x" * 101, "Service item: at most 100 characters (QuickBooks' limit)."),
    ("item_name", "Services:Design", "Service item: QuickBooks does not allow a colon (:) in an item's name."),
    ("tax", "vat",
     "Tax: choose one of “Send hubwire's tax as a line of its own”; “Send no tax (QuickBooks computes it)”."),
    ("export_time", "25:00", "Export time: a time of day as HH:MM on a 24-hour clock, e.g. 06:00."),
    ("export_time", "6am", "Export time: a time of day as HH:MM on a 24-hour clock, e.g. 06:00."),
    ("export_time", "", "Export time: a time of day as HH:MM on a 24-hour clock, e.g. 06:00."),
])
def test_a_wrong_choice_is_a_field_error_and_nothing_is_saved(quickbooks, owner_client, workspace, field, value, error):
    before = (connection_of(workspace).details, export_schedule(workspace).next_run_at)
    response = owner_client.post(CHOICES, {**GOOD_CHOICES, "item_name": "Consulting", "export_time": "08:15",
                                           field: value})
    assert response.status_code == 422
    html = response.content.decode()
    assert f'data-testid="error-{field}"><li>{error}</li>' in unescape(html)
    assert html.count('class="errorlist"') == 1  # only the wrong field is marked
    if field != "item_name":  # what was typed is shown again, to correct
        assert 'value="Consulting"' in html
    assert (connection_of(workspace).details, export_schedule(workspace).next_run_at) == before
    assert not AuditEntry.objects.filter(action="quickbooks_choices_saved").exists()


def test_saved_choices_are_kept_and_a_new_export_time_moves_the_schedule(quickbooks, owner_client, workspace):
    workspace.time_zone = "America/Chicago"
    workspace.save(update_fields=["time_zone"])
    response = owner_client.post(CHOICES, {"item_name": "  Design   work ", "tax": "none", "export_time": "21:45"})
    assert response.status_code == 302
    assert flashes(owner_client.get(TAB))[-1] == "QuickBooks choices saved."

    config = config_of(connection_of(workspace))
    assert (config.item_name, config.tax, config.export_time) == ("Design work", "none", "21:45")
    schedule = export_schedule(workspace)
    assert schedule.at_time == time(21, 45)
    local = schedule.next_run_at.astimezone(ZoneInfo("America/Chicago"))
    assert (local.day in (5, 10, 15, 20, 25, 30), local.time()) == (True, time(21, 45))
    html = owner_client.get(TAB).content.decode()
    assert f'<span data-testid="next-export">{local:%a %-d %b %Y, %H:%M} (America/Chicago)</span>' in html
    assert "in your\n      workspace's time zone (America/Chicago)" in html
    [entry] = AuditEntry.objects.filter(action="quickbooks_choices_saved")
    assert entry.detail == "item name: Design work, tax: none, export time: 21:45"

    # The same choices again change nothing.
    owner_client.post(CHOICES, {"item_name": "Design work", "tax": "none", "export_time": "21:45"})
    assert AuditEntry.objects.filter(action="quickbooks_choices_saved").count() == 1
    assert export_schedule(workspace).next_run_at == schedule.next_run_at


def test_choices_before_it_was_ever_turned_on_are_refused(owner_client, workspace):
    response = owner_client.post(CHOICES, GOOD_CHOICES)
    assert response.status_code == 422
    assert ('data-testid="error-choices"><li>Turn QuickBooks on first: its choices are kept with its connection.</li>'
            in response.content.decode())
    assert not Connection.objects.filter(workspace=workspace).exists()


def test_choices_saved_before_connecting_are_the_ones_the_schedule_starts_with(sandbox, owner_client, workspace):
    switch(owner_client, True)
    owner_client.post(CHOICES, {**GOOD_CHOICES, "export_time": "04:20"})
    assert not Schedule.objects.filter(workspace=workspace).exists()  # nothing to run before a connection
    connect_quickbooks(owner_client, workspace)
    assert export_schedule(workspace).at_time == time(4, 20)
    assert export_schedule(workspace).next_run_at > timezone.now()
