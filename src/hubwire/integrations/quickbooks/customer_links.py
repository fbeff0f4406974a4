"""A person's say over which QuickBooks customer an account is (the seed: "override the automatically
connected customer … searching QuickBooks customers by email"): search the company's customers,
link one, unlink, or hand the account back to automatic matching; the card on the account's page
that shows where it stands; and the sync panel's Retry and label for customer rows.

A link or an unlink made here is marked `matched_by = person`, which the pass never undoes: it only
sends the account's later changes to a customer a person chose, and leaves alone an account a
person unlinked."""

from __future__ import annotations

from itertools import islice

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.crm.models import Account
from hubwire.crm.panels import record_panel
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.api import company_api, quoted
from hubwire.integrations.quickbooks.customer_fields import DISPLAY_NAME, HOW, account_fields, summary
from hubwire.integrations.quickbooks.customer_index import Known
from hubwire.integrations.quickbooks.customers import (KIND, PROVIDER, WAITING, customer_record, customer_records,
                                                       customers_queue, is_enabled, new_row, not_ready_words,
                                                       quickbooks_connection)
from hubwire.integrations.quickbooks.invoices import invoices_waiting_resume
from hubwire.sync.ledger import leased, record_save
from hubwire.sync.models import MatchedBy, SyncRecord, SyncStatus, Trigger
from hubwire.sync.registry import record_label, retry_handler

SEARCH_LIMIT = 20  # one page of results: a person narrows the search rather than scroll thousands
SEARCH_MAX_LENGTH = 100
CUSTOMER_ID_MAX_LENGTH = 20


def row_for(account: Account) -> SyncRecord:
    row = customer_record(account)
    if row is None:
        SyncRecord.objects.bulk_create([new_row(account, account.workspace_id)], ignore_conflicts=True)
        row = customer_record(account)
    return row


def when_and_who(actor) -> str:
    return f"by {getattr(actor, 'email', actor)} on {timezone.now():%Y-%m-%d}"


# --- searching ---------------------------------------------------------------------------------------

def customer_search(connection: Connection, text: str) -> list[dict]:
    """The company's customers whose email (when the text has an @) or display name contains the
    text, at most SEARCH_LIMIT, each with the account it is connected to in this workspace if any."""
    text = (text or "").strip()
    if not text:
        raise FieldError({"q": "Enter an email address or a name to search for."})
    if len(text) > SEARCH_MAX_LENGTH:
        raise FieldError({"q": f"At most {SEARCH_MAX_LENGTH} characters (this has {len(text)})."})
    # QuickBooks' query language has no OR, so the text is asked of one property.
    prop = "PrimaryEmailAddr" if "@" in text else "DisplayName"
    statement = f"SELECT * FROM Customer WHERE {prop} LIKE {quoted(f'%{text}%')} ORDERBY DisplayName"
    with company_api(connection) as qbo:
        found = [summary(c) for c in islice(qbo.query(statement, page_size=SEARCH_LIMIT), SEARCH_LIMIT)]
    linked = dict(customer_records(connection.workspace_id).filter(external_id__in=[c["id"] for c in found])
                  .values_list("external_id", "local_id"))
    names = dict(Account.objects.filter(pk__in=linked.values()).values_list("pk", "name"))
    for customer in found:
        account_id = linked.get(customer["id"])
        customer["linked_to"] = {"id": account_id, "name": names.get(account_id, "")} if account_id else None
    return found


# --- a person's choices --------------------------------------------------------------------------------

def customer_link(*, account: Account, connection: Connection, customer_id: str, actor) -> SyncRecord:
    """Connect the account to this customer (read from QuickBooks first: it must exist and be active).
    Its fields in QuickBooks are left as they are; the account's later changes are sent to it."""
    customer_id = (customer_id or "").strip()
    if not customer_id.isdigit() or len(customer_id) > CUSTOMER_ID_MAX_LENGTH:
        raise FieldError({"customer_id": "Choose a QuickBooks customer from the search results."})
    row = row_for(account)
    holder = customer_records(account.workspace_id).filter(external_id=customer_id).exclude(pk=row.pk).first()
    if holder is not None:
        raise FieldError({"customer_id": already_connected(holder)})
    with leased(row):
        try:
            with company_api(connection) as qbo:
                customer = qbo.read("Customer", customer_id)
        except ProviderError as exc:
            if exc.code == "610":
                raise FieldError({"customer_id": f"QuickBooks has no customer {customer_id} (it may have been "
                                                 "deleted or merged). Search again."}) from None
            raise
        if customer.get("Active") is False:
            raise FieldError({"customer_id": f"“{customer.get('DisplayName')}” is inactive in QuickBooks. "
                                             "Reactivate it there first."})
        known = Known.of(customer)
        try:
            record_save(row, external_id=known.id, version=known.sync_token, status=SyncStatus.SYNCED,
                        matched_by=MatchedBy.PERSON, reason="", marker="", create_started_at=None,
                        synced_at=timezone.now(), synced={**account_fields(account), DISPLAY_NAME: known.display_name,
                                                          HOW: f"Chosen {when_and_who(actor)}."})
        except IntegrityError:  # connected to another account a moment ago
            raise FieldError({"customer_id": already_connected(
                customer_records(account.workspace_id).get(external_id=customer_id))}) from None
    invoices_waiting_resume(workspace=account.workspace)  # an export someone asked for may have waited for it
    return row


def already_connected(holder: SyncRecord) -> str:
    name = Account.objects.filter(pk=holder.local_id).values_list("name", flat=True).first() or "another account"
    return f"This QuickBooks customer is already connected to “{name}”. Unlink it there first."


def customer_unlink(*, account: Account, actor) -> SyncRecord:
    """Disconnect the account from QuickBooks and keep it so: no pass matches or creates it again
    (the customer in QuickBooks is left as it is)."""
    row = row_for(account)
    with leased(row):
        record_save(row, external_id="", version="", status=SyncStatus.SYNCED, matched_by=MatchedBy.PERSON,
                    reason="", marker="", create_started_at=None,
                    synced={HOW: f"Unlinked {when_and_who(actor)}: hubwire will not connect it automatically."})
    return row


def customer_match_again(*, account: Account, trigger: str = Trigger.BUTTON) -> SyncRecord:
    """Give the account back to automatic matching (after an unlink, a person's choice, or a customer
    gone in QuickBooks): the next pass matches it by email or creates it."""
    row = row_for(account)
    with leased(row):
        record_save(row, external_id="", version="", status=SyncStatus.PENDING, matched_by="", synced={},
                    reason=WAITING, marker="", create_started_at=None)
    customers_queue(account.workspace, trigger=trigger)
    return row


# --- the account's card ----------------------------------------------------------------------------------

STATES = {  # (badge words, colour)
    "connected": ("Connected", "green"), "waiting": ("Waiting", "orange"), "needs_you": ("Needs you", "red"),
    "removed": ("Gone in QuickBooks", "red"), "kept_apart": ("Not connected", "grey"),
}


def state_of(row: SyncRecord | None) -> str:
    if row is None or row.status == SyncStatus.PENDING:
        return "waiting"
    if row.status == SyncStatus.FAILED:
        return "needs_you"
    if row.status == SyncStatus.REMOVED:
        return "removed"
    return "connected" if row.external_id else "kept_apart"


def account_card(account: Account) -> dict | None:
    """The card's facts, or None (no card) while the workspace has never connected QuickBooks."""
    connection = quickbooks_connection(account.workspace_id)
    if connection is None or connection.status in (ConnectionStatus.NOT_CONNECTED, ConnectionStatus.SETUP_INCOMPLETE):
        return None
    row = customer_record(account)
    state = state_of(row)
    synced = row.synced if row is not None else {}
    return {"state": state, "badge": STATES[state][0], "colour": STATES[state][1], "row": row,
            "customer_id": row.external_id if row is not None else "", "display_name": synced.get(DISPLAY_NAME, ""),
            "how": synced.get(HOW, ""), "matched_by": row.get_matched_by_display() if row and row.matched_by else "",
            "reason": row.reason if row is not None and state != "connected" else "",
            "ready": is_enabled(connection), "not_ready": "" if is_enabled(connection) else not_ready_words(connection)}


def account_panel(request, account: Account) -> dict:
    return {"qbo": account_card(account)}  # the template shows nothing without QuickBooks


record_panel("accounts", template="quickbooks/account_customer.html", context=account_panel)


# --- the sync panel ---------------------------------------------------------------------------------------

@retry_handler(PROVIDER, KIND)
def retry_customer(record: SyncRecord) -> str:
    """The panel's Retry: a failed row is tried again; one gone in QuickBooks is matched or created
    anew (the customer it named no longer exists)."""
    account = Account.objects.filter(pk=record.local_id, workspace_id=record.workspace_id).first()
    if account is None:
        record.delete()
        return "This account no longer exists in hubwire."
    if record.status == SyncStatus.REMOVED:
        customer_match_again(account=account)
    else:
        record_save(record, status=SyncStatus.PENDING, reason=WAITING if not record.external_id else
                    "Sending the account's details to QuickBooks again…")
        customers_queue(account.workspace, trigger=Trigger.BUTTON)
    return f"Trying “{account.name}” again."


@record_label(PROVIDER, KIND)
def customer_label(record: SyncRecord) -> tuple[str, str]:
    name = Account.objects.filter(pk=record.local_id).values_list("name", flat=True).first()
    if name is None:
        return f"Account {record.local_id} (deleted)", ""
    return name, reverse("crm:detail", args=["accounts", record.local_id])
