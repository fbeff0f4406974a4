"""The business's QuickBooks choices, kept with its connection (Connection.details["quickbooks"]):
when it enabled the integration, which QuickBooks item invoice lines go to, how tax is sent, and
the time of day of the scheduled export. Read through here so every module agrees on defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hubwire.integrations.choices import choices_of, choices_save
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.sync.schedules import schedules_enable

KEY = "quickbooks"
DEFAULT_ITEM = "Services"
# hubwire's own tax amount on a line of its own ("line"), or none at all: QuickBooks Online companies
# with automated sales tax compute it themselves ("none"). Intuit's TxnTaxDetail needs a tax code per
# company, which hubwire does not ask for.
TAX_CHOICES = {"line": "Send hubwire's tax as a line of its own", "none": "Send no tax (QuickBooks computes it)"}
DEFAULT_EXPORT_TIME = time(6, 0)


@dataclass
class QuickBooksConfig:
    enabled: bool = False
    enabled_at: str = ""          # ISO time the integration was first enabled: older invoices never go
    item_name: str = DEFAULT_ITEM
    tax: str = "line"
    export_time: str = DEFAULT_EXPORT_TIME.strftime("%H:%M")

    @property
    def enabled_since(self) -> datetime | None:
        return parse_datetime(self.enabled_at) if self.enabled_at else None

    @property
    def export_at(self) -> time:
        hour, minute = (int(part) for part in self.export_time.split(":"))
        return time(hour, minute)


def config_of(connection: Connection | None) -> QuickBooksConfig:
    return choices_of(connection, KEY, QuickBooksConfig)


def config_save(connection: Connection, config: QuickBooksConfig) -> None:
    choices_save(connection, KEY, config)


def enable(connection: Connection) -> QuickBooksConfig:
    """Turn the integration on; the first time, from now on invoices count as "after enabling". Its
    schedules, paused while it was off, start again at their next slot."""
    config = config_of(connection)
    was_on = config.enabled
    config.enabled = True
    config.enabled_at = config.enabled_at or timezone.now().isoformat()
    config_save(connection, config)
    if not was_on:
        schedules_enable(workspace=connection.workspace, provider=KEY, enabled=True)
    return config


# --- the connection QuickBooks' background work acts on (qbo-inbound) ----------------------------

def _enabled(workspace):
    """The workspace's active QuickBooks connection with the integration on (at most one row)."""
    return Connection.objects.filter(workspace=workspace, provider=KEY, status=ConnectionStatus.ACTIVE,
                                     **{f"details__{KEY}__enabled": True})


def enabled_connection(workspace) -> Connection | None:
    """The workspace's active QuickBooks connection when the business has the integration enabled, else
    None: one indexed query, so that a handler every CRM change calls costs little without QuickBooks."""
    return _enabled(workspace).select_related("workspace").first()


def quickbooks_on(event) -> bool:
    """Whether the event's workspace has QuickBooks connected and on: the handlers that follow CRM
    changes ask it when the change is made (events.registry.on's `wanted`), so that without
    QuickBooks a change makes no run. An EXISTS, the cheapest question: every account, contact and
    invoice change asks it. The handlers ask again when they run."""
    return _enabled(event.workspace_id).exists()
