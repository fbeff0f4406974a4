"""Setting QuickBooks up from its tab: the Enable switch, what to enter in the business's own Intuit
app (each value with a copy button), and the business's choices (config.py).

The seed's order is kept: "Use the toggle first to enable the integration, then click on the
Connect button". Turning it on the first time records when (config.enabled_at): invoices created
before then are never exported. Turning it off pauses QuickBooks' schedules and keeps the
connection, so turning it on again needs no new sign-in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from hubwire.core.audit import audit_record, audit_words
from hubwire.core.errors import FieldError
from hubwire.integrations.grant import redirect_uri
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks import schedule
from hubwire.integrations.quickbooks.config import TAX_CHOICES, QuickBooksConfig, config_of, config_save, enable
from hubwire.integrations.quickbooks.customers import customers_queue
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.selectors import connection_of
from hubwire.sync.models import Schedule, Trigger
from hubwire.sync.rules import zone_of
from hubwire.sync.schedules import schedules_enable

audit_words({"quickbooks_enabled": "QuickBooks turned on",
             "quickbooks_disabled": "QuickBooks turned off (its schedules paused)",
             "quickbooks_choices_saved": "QuickBooks choices changed"})

KEY = "quickbooks"
# Intuit's scope names in the words of its app settings' Permissions page. Only Accounting: hubwire
# reads invoices' payments through the Accounting API, so the seed's "payment" scope is not needed.
SCOPE_WORDS = {"com.intuit.quickbooks.accounting": "Accounting"}
# Intuit's Item.Name: at most 100 characters [U: Intuit API reference, Item]; a colon separates a
# sub-item from its parent in QuickBooks' FullyQualifiedName, so it cannot be part of a name.
ITEM_NAME_MAX = 100
_TIME_OF_DAY = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class AppValue:
    """One value to enter in the business's Intuit app, shown with a copy button."""

    name: str   # for the page's test ids
    label: str  # Intuit's name for the field
    value: str


def _locked(workspace) -> Connection | None:
    """The workspace's QuickBooks connection, held until the transaction ends: two saves of its
    choices at once must not each write back the other's old ones (they share Connection.details)."""
    return Connection.objects.select_for_update().filter(workspace=workspace, provider=KEY, mode="").first()


def intuit_app_values(connection: Connection) -> dict[str, AppValue]:
    """What the business enters in its Intuit app, by name. All from HUBWIRE_BASE_URL, never from a
    request's Host header, so that the page shows the address Intuit can reach."""
    base = settings.HUBWIRE_BASE_URL
    values = [
        AppValue("host_domain", "Host domain", urlsplit(base).hostname or ""),
        AppValue("launch_url", "Launch URL", base + reverse("integrations:tab", args=[KEY])),
        AppValue("disconnect_url", "Disconnect URL", base + reverse("integrations:quickbooks_disconnected")),
        AppValue("redirect_uri", "Redirect URI", redirect_uri(quickbooks_provider())),
        AppValue("webhook_url", "Endpoint URL (webhooks)", connection_inbound_url(connection=connection)),
    ]
    return {value.name: value for value in values}


def quickbooks_provider():
    return PROVIDERS[KEY]


def scope_words() -> list[str]:
    return [SCOPE_WORDS.get(scope, scope) for scope in quickbooks_provider().scopes]


def ordinal(day: int) -> str:
    return f"{day}{'th' if 11 <= day % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def days_in_words(days) -> str:
    """(5, 10, 30) -> "5th, 10th and 30th"."""
    words = [ordinal(day) for day in days]
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def tab_context(workspace) -> dict:
    """What the tab's own parts show (tab.html, and the choices in _panel.html)."""
    connection = connection_of(workspace, quickbooks_provider(), "")
    config = config_of(connection)
    zone = zone_of(workspace)
    export = Schedule.objects.filter(workspace=workspace, provider=KEY, name=schedule.EXPORT, enabled=True).first()
    return {
        "connection": connection,
        "config": config,
        "enabled_since": config.enabled_since,
        # Made only once it is on: until then the tab explains, and a webhook URL would be made for nothing.
        "app_values": intuit_app_values(connection) if config.enabled and connection else {},
        "scopes": scope_words(),
        "tax_choices": list(TAX_CHOICES.items()),
        "zone": zone.key,
        "next_export": export.next_run_at if export else None,  # shown in the workspace's zone
        "export_days": days_in_words(schedule.EXPORT_DAYS),
        "choice_errors": {},
        "posted": None,
    }


# --- the switch ----------------------------------------------------------------------------------

def quickbooks_enable(*, workspace, actor) -> QuickBooksConfig:
    """Turn QuickBooks on, making the workspace's connection row when it has none yet (grey until the
    business connects); the first time, from now on invoices count as "after enabling". Its paused
    schedules start again at their next slot."""
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(workspace=workspace, provider=KEY, mode="")
        was_on = config_of(connection).enabled
        config = enable(connection)
        schedules_enable(workspace=workspace, provider=KEY, enabled=True)
        if not was_on:
            audit_record(workspace=workspace, actor=actor, action="quickbooks_enabled", subject=KEY,
                         detail=f"invoices created from {config.enabled_at[:16].replace('T', ' ')} UTC on are exported")
    if not was_on and connection.status == ConnectionStatus.ACTIVE:
        # Turned on while connected: the customers are connected now, as on connect (the seed:
        # "SphereMail will automatically start connecting your active customers").
        customers_queue(workspace, trigger=Trigger.BUTTON)
    return config


def quickbooks_disable(*, workspace, actor) -> int:
    """Turn QuickBooks off: its schedules pause, the connection and the first enabling time stay.
    Returns how many schedules were paused."""
    with transaction.atomic():
        connection = _locked(workspace)
        config = config_of(connection)
        if connection is None or not config.enabled:
            return 0
        config.enabled = False
        config_save(connection, config)
        paused = schedules_enable(workspace=workspace, provider=KEY, enabled=False)
        audit_record(workspace=workspace, actor=actor, action="quickbooks_disabled", subject=KEY,
                     detail=f"{paused} schedule{'s' if paused != 1 else ''} paused")
    return paused


def quickbooks_connected(connection: Connection) -> None:
    """QuickBooks was just connected: its schedules, from the business's choices. Connecting does not
    turn the integration on (the tab offers Connect only once the switch is on; a connection made
    while it is off, by hand, waits for the switch like everything else)."""
    export_schedule_declare(connection)


def export_schedule_declare(connection: Connection) -> None:
    """Declare the schedules from the current choices, paused while QuickBooks is off (a new schedule
    is created running; connecting while off must not start the export)."""
    schedule.declare(connection)
    if not config_of(connection).enabled:
        schedules_enable(workspace=connection.workspace, provider=KEY, enabled=False)


# --- the business's choices -----------------------------------------------------------------------

def choices_clean(data) -> dict[str, str]:
    """The posted choices, trimmed, or a FieldError naming each field that is wrong."""
    errors, cleaned = {}, {}
    item_name = " ".join(str(data.get("item_name") or "").split())
    if not item_name:
        errors["item_name"] = "Service item: enter the name of the QuickBooks product or service invoice lines go to."
    elif len(item_name) > ITEM_NAME_MAX:
        errors["item_name"] = f"Service item: at most {ITEM_NAME_MAX} characters (QuickBooks' limit)."
    elif ":" in item_name:
        errors["item_name"] = "Service item: QuickBooks does not allow a colon (:) in an item's name."
    else:
        cleaned["item_name"] = item_name
    tax = str(data.get("tax") or "")
    if tax in TAX_CHOICES:
        cleaned["tax"] = tax
    else:
        errors["tax"] = "Tax: choose one of " + "; ".join(f"“{words}”" for words in TAX_CHOICES.values()) + "."
    export_time = str(data.get("export_time") or "").strip()
    if _TIME_OF_DAY.fullmatch(export_time):
        cleaned["export_time"] = export_time
    else:
        errors["export_time"] = "Export time: a time of day as HH:MM on a 24-hour clock, e.g. 06:00."
    if errors:
        raise FieldError(errors)
    return cleaned


def choices_save(*, workspace, actor, data) -> QuickBooksConfig:
    """Check and store the choices; nothing is saved when one is wrong. A new export time
    re-declares the schedule (its next run moves to the new time)."""
    cleaned = choices_clean(data)
    with transaction.atomic():
        connection = _locked(workspace)
        if connection is None:
            raise FieldError({"__all__": "Turn QuickBooks on first: its choices are kept with its connection."})
        config = config_of(connection)
        changed = {name: value for name, value in cleaned.items() if getattr(config, name) != value}
        for name, value in changed.items():
            setattr(config, name, value)
        config_save(connection, config)
        # The schedule exists from the first connect on; before that, connecting declares it.
        if "export_time" in changed and Schedule.objects.filter(workspace=workspace, provider=KEY,
                                                                name=schedule.EXPORT).exists():
            export_schedule_declare(connection)
        if changed:
            audit_record(workspace=workspace, actor=actor, action="quickbooks_choices_saved", subject=KEY,
                         detail=", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in changed.items()))
    return config
