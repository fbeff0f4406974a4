"""Customers follow hubwire by themselves: connecting QuickBooks starts the customers pass, and a
new account, an edited account or a contact's new email marks the account's row as waiting and
queues the pass (which coalesces: a thousand edits make one pass).

The handlers run in a worker for every account and contact event of every workspace, so they
return after one query when the workspace has no QuickBooks connection turned on."""

from __future__ import annotations

from django.dispatch import receiver

from hubwire.crm.models import Account
from hubwire.events.registry import on
from hubwire.integrations.quickbooks.config import quickbooks_on
from hubwire.integrations.quickbooks.customer_fields import account_fields
from hubwire.integrations.quickbooks.customers import (PROVIDER, WAITING, customer_record, customer_records,
                                                       customers_queue, is_enabled, new_row)
from hubwire.integrations.signals import connection_activated
from hubwire.sync.ledger import changed_fields, leased, record_save
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus, Trigger

SENDING = "Sending the account's changes to QuickBooks…"


def customer_request(account: Account) -> bool:
    """Mark the account's row as waiting when it has something to do; True when a pass is queued.

    - no row yet: one is made, to be matched or created;
    - connected and in step: nothing; connected with changed fields: waiting, to send them;
    - failed: waiting again (the change may be the fix: a new name after 6240, an email);
    - unlinked by a person, or gone in QuickBooks: left for a person.

    A row a pass is working on is not touched (RetryLater: the handler runs again shortly), so the
    pass's outcome never overwrites the news that the account changed meanwhile."""
    row = customer_record(account)
    if row is None:  # ignore_conflicts: a pass making the rows of new accounts may have made it
        SyncRecord.objects.bulk_create([new_row(account, account.workspace_id)], ignore_conflicts=True)
    else:
        with leased(row):
            row.refresh_from_db()
            if row.status == SyncStatus.REMOVED or (row.matched_by == MatchedBy.PERSON and not row.external_id):
                return False
            if row.status == SyncStatus.SYNCED:
                if not changed_fields(row, account_fields(account)):
                    return False
                record_save(row, status=SyncStatus.PENDING, reason=SENDING)
            elif row.status == SyncStatus.FAILED:
                record_save(row, status=SyncStatus.PENDING, reason=SENDING if row.external_id else WAITING)
    customers_queue(account.workspace, trigger=Trigger.CHANGE)
    return True


def contact_may_match(event) -> bool:
    """Whether a contact's event can matter to matching: it has an account and an email, and
    QuickBooks is on. Otherwise it makes no run."""
    return bool(event.data.get("account_id") and event.data.get("email")) and quickbooks_on(event)


@on("account.created", "account.updated", name="quickbooks.customers.follow_account", wanted=quickbooks_on)
def follow_account(event) -> None:
    if not quickbooks_on(event):  # asked again: it may have changed since the event
        return
    account = Account.objects.filter(pk=event.data["id"], workspace_id=event.workspace_id).first()
    if account is not None:  # as it is now: the pass sends the latest state, whatever the event saw
        customer_request(account)


@on("contact.created", "contact.updated", name="quickbooks.customers.follow_contact", wanted=contact_may_match)
def follow_contact(event) -> None:
    """A contact's email only matters to an account still waiting to be matched (matching asks the
    contacts' emails); a connected account's customer does not carry its contacts."""
    if not contact_may_match(event):
        return
    account_id = event.data["account_id"]
    row = customer_records(event.workspace_id).filter(local_id=account_id).first()
    if row is not None and (row.external_id or row.matched_by == MatchedBy.PERSON
                            or row.status not in (SyncStatus.PENDING, SyncStatus.FAILED)):
        return
    account = Account.objects.filter(pk=account_id, workspace_id=event.workspace_id).first()
    if account is not None:
        customer_request(account)


@receiver(connection_activated, dispatch_uid="quickbooks.customers.on_connect")
def connect_customers_on_connect(sender, provider, connection, **kwargs) -> None:
    """Connecting (or reconnecting) QuickBooks with the integration on connects the customers."""
    if provider.key == PROVIDER and is_enabled(connection):
        customers_queue(connection.workspace, trigger=Trigger.CONNECT)
