"""The QuickBooks card on an invoice's page: whether the invoice is in QuickBooks (its Id and
DocNumber), waiting (for what, and until when), being sent, or failed with QuickBooks' reason in
words, and the Export now (or Retry) button when pressing it can help. It refreshes itself while the
invoice is being sent. Shown once the workspace has a QuickBooks connection, in any state."""

from __future__ import annotations

from dataclasses import dataclass

from hubwire.crm.models import Invoice
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks import schedule
from hubwire.integrations.quickbooks.config import config_of
from hubwire.integrations.quickbooks.invoice_ledger import (
    EXPORTING,
    PROVIDER,
    SENDING_CHANGE,
    customer_ids,
    invoice_rows,
    not_exportable,
    waiting_for_customer,
)
from hubwire.sync.models import Schedule, SyncRecord, SyncStatus
from hubwire.sync.rules import zone_of


@dataclass(frozen=True)
class CardState:
    label: str
    colour: str        # the badge: green, orange, red, grey
    reason: str = ""
    button: str = ""   # the button's words; "" when pressing it would not help
    working: bool = False  # being sent now: the card refreshes itself


def card_context(invoice: Invoice, *, notice: str = "", error: str = "") -> dict | None:
    connection = Connection.objects.filter(workspace=invoice.workspace, provider=PROVIDER, mode="").first()
    record = invoice_rows(invoice.workspace).filter(local_id=invoice.pk).first()
    if connection is None and record is None:
        return None
    return {"qbo": {"state": invoice_state(invoice, connection, record), "record": record, "notice": notice,
                    "error": error, "doc_number": (record.synced.get("DocNumber") if record else "") or invoice.number}}


def invoice_panel_context(request, invoice: Invoice) -> dict | None:
    """crm.panels.record_panel's context for an invoice's page."""
    return card_context(invoice)


def invoice_state(invoice: Invoice, connection: Connection | None, record: SyncRecord | None) -> CardState:
    if record is not None and record.external_id:
        if record.status == SyncStatus.SYNCED:
            return CardState("In QuickBooks", "green")
        if record.status == SyncStatus.FAILED:
            return CardState("Failed", "red", record.reason, "Retry")
        return CardState("Sending changes", "orange", record.reason or SENDING_CHANGE, working=True)
    if record is not None and record.status == SyncStatus.REMOVED:
        return CardState("Deleted in QuickBooks", "red", record.reason, "Export again")
    if record is not None and record.status == SyncStatus.FAILED:
        return CardState("Failed", "red", record.reason, "Retry")
    config = config_of(connection)
    if connection is None or connection.status != ConnectionStatus.ACTIVE or not config.enabled:
        return CardState("Not exported", "grey", "QuickBooks is not connected, or its invoice export is not enabled "
                                                 "on the QuickBooks tab.")
    zone = zone_of(invoice.workspace)
    why = not_exportable(invoice, config, zone)
    if why:
        return CardState("Not exported", "grey", why)
    if record is not None and (record.create_started_at or record.reason == EXPORTING):
        return CardState("Being exported", "orange", EXPORTING, working=True)
    if not customer_ids(invoice.workspace, [invoice.account_id]):
        return CardState("Waiting", "orange", waiting_for_customer(invoice.account))
    export = Schedule.objects.filter(workspace=invoice.workspace, provider=PROVIDER, name=schedule.EXPORT,
                                     enabled=True).first()
    when = (f" on {export.next_run_at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})" if export else "")
    return CardState("Waiting for the next export", "orange",
                     f"It goes with the next scheduled export{when}, or now if you press Export now.", "Export now")
