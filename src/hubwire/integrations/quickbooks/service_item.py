"""The QuickBooks item invoice lines go to: a service item named as the business chose on the tab
(config.item_name, "Services" by default), found by its name, created when the company has none,
and its id kept with the connection (details["quickbooks_item"]) so a pass asks QuickBooks only once.

An item's name is unique among a company's items, so a create that loses a race with another worker
(or a person in QuickBooks) answers a duplicate-name Fault; the item is then read by its name."""

from __future__ import annotations

from django.db import transaction

from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection
from hubwire.integrations.quickbooks.api import quoted
from hubwire.sync.ledger import new_marker

KEY = "quickbooks_item"
DUPLICATE_NAME = "6240"


class ItemUnavailable(Exception):
    """The business's item cannot be used; the message says what to do, in words."""


def _find(qbo, name: str, *, active: bool = True) -> dict | None:
    flag = "true" if active else "false"
    return next(iter(qbo.query(f"SELECT * FROM Item WHERE Name = {quoted(name)} AND Active = {flag}")), None)


def service_item_id(connection: Connection, qbo, name: str) -> str:
    """The QuickBooks Id of the item called `name`, made if missing. Raises ItemUnavailable."""
    kept = (connection.details or {}).get(KEY) or {}
    if kept.get("name") == name and kept.get("id"):
        return kept["id"]
    item = _find(qbo, name)
    if item is None:
        try:
            item = qbo.write("Item", {"Name": name, "Type": "Service"}, requestid=new_marker())
        except ProviderError as exc:
            if exc.code != DUPLICATE_NAME:
                raise
            item = _find(qbo, name)
            if item is None and _find(qbo, name, active=False) is not None:
                raise ItemUnavailable(
                    f"The QuickBooks item “{name}” that invoice lines go to is inactive. Make it active in "
                    "QuickBooks, or choose another item on the QuickBooks tab.") from None
            if item is None:
                raise ItemUnavailable(f"QuickBooks refused to create the item “{name}”: {exc}") from None
    _keep(connection, {"name": name, "id": str(item["Id"])})
    return str(item["Id"])


def forget_service_item(connection: Connection) -> None:
    """QuickBooks no longer accepts the kept item (deleted or made inactive there): look it up again."""
    _keep(connection, None)


def _keep(connection: Connection, value: dict | None) -> None:
    # Read fresh under a lock: the business may have changed its choices on the tab since this pass began.
    with transaction.atomic():
        stored = Connection.objects.select_for_update().filter(pk=connection.pk).values_list("details", flat=True)
        details = {k: v for k, v in (stored.first() or {}).items() if k != KEY}
        if value is not None:
            details[KEY] = value
        Connection.objects.filter(pk=connection.pk).update(details=details)
    connection.details = details
