"""The invoice export against sandbox QuickBooks over HTTP: what an exported invoice says, invoices
from before enabling never sent, new ones waiting for the export day or their customer, Sync All,
and each invoice once however often it is asked for."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from hubwire.crm.models import Invoice, InvoiceStatus
from hubwire.crm.services.documents import invoice_update
from hubwire.events.models import HandlerRun
from hubwire.integrations.quickbooks import config
from hubwire.integrations.quickbooks.invoice_ledger import WAITING_FOR_SCHEDULE
from hubwire.integrations.quickbooks.invoices import PASS_ALL, invoices_export_all, invoices_waiting_resume
from hubwire.integrations.quickbooks.schedule import EXPORT
from hubwire.integrations.quickbooks.service_item import KEY as ITEM_KEY
from hubwire.sandbox.quickbooks.models import Entity
from hubwire.sync.models import RunOutcome, Schedule, ScheduledRun, SyncPass, SyncRecord, SyncRun, SyncStatus, Trigger
from hubwire.sync.schedules import schedules_run_due
from tests.conftest import SANDBOX_DB
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.invoicing import ACTOR, issue, link, linked_account, qbo_invoices, row_of

pytestmark = SANDBOX_DB
API = "quickbooks.api.intuit.com"


def batch_calls(company) -> int:
    return len(company.sandbox.calls(API, f"/v3/company/{company.realm_id}/batch"))


def export_day(schedule) -> int:
    """The tick on the schedule's next export day, and the work it queues run, as a worker would;
    how many export runs it made (QuickBooks' hourly read of changes is due by then too)."""
    made = schedules_run_due(now=schedule.next_run_at)
    # The tick made the slot's job due at the clock it was given, which is later than the real one.
    ScheduledRun.objects.filter(pk__in=[run.pk for run in made]).update(next_attempt_at=timezone.now())
    run_jobs()
    return len([run for run in made if run.schedule.name == EXPORT])


def sync_all(client) -> None:
    response = client.post("/integrations/quickbooks/invoices/sync-all/")
    assert response.status_code == 302
    run_jobs()


def test_an_issued_invoice_goes_with_its_customer_number_dates_currency_lines_and_tax_line(quickbooks, workspace,
                                                                                           owner_client):
    config.enable(quickbooks.connection)
    workspace.time_zone = "America/New_York"
    workspace.save()
    account = linked_account(quickbooks, workspace)
    invoice = issue(workspace, account, tax_rate_bp=825, due_date=date(2031, 2, 1), currency="EUR",
                    notes="Thank you for your business")

    sync_all(owner_client)

    [sent] = qbo_invoices(quickbooks)
    record = row_of(invoice)
    assert (record.status, record.external_id, record.version) == (SyncStatus.SYNCED, sent["Id"], "0")
    customer = SyncRecord.objects.get(kind="customer", local_id=account.pk).external_id
    assert sent["CustomerRef"]["value"] == customer
    assert sent["DocNumber"] == invoice.number
    assert sent["TxnDate"] == invoice.sent_at.astimezone(ZoneInfo("America/New_York")).date().isoformat()
    assert (sent["DueDate"], sent["CurrencyRef"]["value"]) == ("2031-02-01", "EUR")
    assert sent["CustomerMemo"] == {"value": "Thank you for your business"}
    lines = [line for line in sent["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert [(x["Description"], x["Amount"], x["SalesItemLineDetail"]["Qty"], x["SalesItemLineDetail"]["UnitPrice"])
            for x in lines] == [("Brand workshop", 900.0, 2.0, 450.0), ("Logo files", 180.0, 1.5, 120.0),
                                ("Tax (8.25%)", 89.1, 1.0, 89.1)]
    # Every line goes to the business's service item, "Services", made in QuickBooks because there was none.
    [item] = Entity.objects.filter(realm_id=quickbooks.realm_id, kind="Item")
    assert item.body["Name"] == "Services" and item.body["Type"] == "Service"
    assert {x["SalesItemLineDetail"]["ItemRef"]["value"] for x in lines} == {item.entity_id}
    assert sent["TotalAmt"] == float(invoice.total) / 100 == 1169.1
    assert quickbooks.refresh().details[ITEM_KEY] == {"name": "Services", "id": item.entity_id}

    # Asked again: nothing new is sent, and the item is not looked up again.
    queries = len(quickbooks.sandbox.calls(API, f"/v3/company/{quickbooks.realm_id}/query"))
    sync_all(owner_client)
    assert len(qbo_invoices(quickbooks)) == 1 and batch_calls(quickbooks) == 1
    assert len(quickbooks.sandbox.calls(API, f"/v3/company/{quickbooks.realm_id}/query")) == queries


def test_tax_none_sends_no_tax_line_and_an_existing_item_of_the_chosen_name_is_used(quickbooks, workspace,
                                                                                    owner_client):
    chosen = config.enable(quickbooks.connection)
    chosen.tax, chosen.item_name = "none", "Design services"
    config.config_save(quickbooks.connection, chosen)
    made = quickbooks.control("quickbooks-change", entity="Item", operation="create",
                              body={"Name": "Design services", "Type": "Service"})
    account = linked_account(quickbooks, workspace)
    issue(workspace, account, tax_rate_bp=1000)

    sync_all(owner_client)

    [sent] = qbo_invoices(quickbooks)
    assert [x["SalesItemLineDetail"]["ItemRef"]["value"] for x in sent["Line"]
            if x["DetailType"] == "SalesItemLineDetail"] == [made["Item"]["Id"]] * 2
    assert sent["TotalAmt"] == 1080.0  # the subtotal: QuickBooks computes its own tax
    assert Entity.objects.filter(realm_id=quickbooks.realm_id, kind="Item").count() == 1


def test_invoices_created_before_enabling_are_never_exported_whatever_asks(quickbooks, workspace, owner_client):
    account = linked_account(quickbooks, workspace)
    old = issue(workspace, account)
    Invoice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    config.enable(quickbooks.connection)
    new = issue(workspace, account)
    run_jobs()  # the events: the new invoice is listed, the old one is not
    assert row_of(old) is None and row_of(new).reason == WAITING_FOR_SCHEDULE

    # Export now on the old invoice's page is refused, in words.
    response = owner_client.post(f"/integrations/quickbooks/invoices/{old.pk}/export/", follow=True)
    assert "created before the QuickBooks integration was enabled" in response.content.decode()
    assert row_of(old) is None
    # A ledger row for it, however it came (here: written by hand, asked for by a button), is dropped.
    SyncRecord.objects.create(workspace=workspace, provider="quickbooks", kind="invoice", local_id=old.pk,
                              requested_by=Trigger.BUTTON)
    sync_all(owner_client)
    # And the export day.
    schedule = Schedule.objects.get(workspace=workspace, provider="quickbooks", name=EXPORT)
    export_day(schedule)

    assert [x["DocNumber"] for x in qbo_invoices(quickbooks)] == [new.number]
    assert row_of(old) is None
    assert any("never exports invoices from before then" in e["why"] for run in SyncRun.objects.all()
               for e in run.errors)


def test_a_new_invoice_waits_for_the_export_day_then_the_schedule_exports_it(quickbooks, workspace):
    config.enable(quickbooks.connection)
    account = linked_account(quickbooks, workspace)
    invoice = issue(workspace, account)
    run_jobs()
    assert (row_of(invoice).status, row_of(invoice).reason) == (SyncStatus.PENDING, WAITING_FOR_SCHEDULE)
    assert qbo_invoices(quickbooks) == []

    schedule = Schedule.objects.get(workspace=workspace, provider="quickbooks", name=EXPORT)
    assert export_day(schedule) == 1

    assert [x["DocNumber"] for x in qbo_invoices(quickbooks)] == [invoice.number]
    assert row_of(invoice).status == SyncStatus.SYNCED
    run = SyncRun.objects.filter(what="invoice").latest("id")
    assert (run.trigger, run.created, run.outcome) == (Trigger.SCHEDULE, 1, RunOutcome.SUCCEEDED)
    schedule.refresh_from_db()
    assert schedule.last_outcome == "Queued the export of pending invoices to QuickBooks."


def test_an_invoice_issued_as_quickbooks_was_turned_on_goes_on_the_export_day_though_its_change_made_no_run(
        quickbooks, workspace):
    """The instant `quickbooks_on` cannot see: an invoice whose change is asked about just before the
    switch commits makes no run, yet its time is after the switch's. The export day lists it anyway."""
    account = linked_account(quickbooks, workspace)
    invoice = issue(workspace, account)  # QuickBooks is not on yet: the change makes no run
    since = config.enable(quickbooks.connection).enabled_since
    Invoice.objects.filter(pk=invoice.pk).update(created_at=since + timedelta(milliseconds=1))
    run_jobs()
    assert not HandlerRun.objects.filter(handler="quickbooks.invoices").exists()
    assert row_of(invoice) is None, "nothing has asked for the invoice yet"

    export_day(Schedule.objects.get(workspace=workspace, provider="quickbooks", name=EXPORT))
    assert [x["DocNumber"] for x in qbo_invoices(quickbooks)] == [invoice.number]
    assert row_of(invoice).status == SyncStatus.SYNCED


def test_an_invoice_waits_for_its_account_to_be_connected_to_a_customer_then_goes(quickbooks, workspace,
                                                                                  owner_client):
    """Two QuickBooks customers have the account's email: the customers pass leaves the choice to a
    person, the invoice asked for waits, and goes once the person has chosen on the account's page."""
    from hubwire.crm.services.people import account_create

    config.enable(quickbooks.connection)
    candidates = [quickbooks.control("quickbooks-create-customer", DisplayName=f"Globex {n}",
                                     PrimaryEmailAddr={"Address": "ap@globex.example"})["Customer"]["Id"]
                  for n in (1, 2)]
    account = account_create(workspace=workspace, actor=ACTOR, name="Globex", email="ap@globex.example")
    invoice = issue(workspace, account)
    sync_all(owner_client)  # the account's customers pass runs too: it waits for a person
    assert SyncRecord.objects.get(kind="customer", local_id=account.pk).status == SyncStatus.FAILED
    record = row_of(invoice)
    assert (record.status, record.reason) == (SyncStatus.PENDING,
                                              "Waiting for Globex to be connected to a QuickBooks customer.")
    assert qbo_invoices(quickbooks) == []

    response = owner_client.post(f"/integrations/quickbooks/accounts/{account.pk}/customer/link/",
                                 {"customer_id": candidates[1]})
    assert response.status_code in (200, 302)
    run_jobs()
    [sent] = qbo_invoices(quickbooks)
    assert (sent["DocNumber"], sent["CustomerRef"]["value"]) == (invoice.number, candidates[1])
    assert row_of(invoice).status == SyncStatus.SYNCED


def test_sync_all_takes_everything_unsynced_in_batches_with_progress(quickbooks, workspace, owner_client, settings):
    settings.HUBWIRE_QUICKBOOKS_BATCH_SIZE = 4
    config.enable(quickbooks.connection)
    accounts = [linked_account(quickbooks, workspace, name=f"Client {n}", email=f"c{n}@example.test")
                for n in range(3)]
    invoices = [issue(workspace, accounts[n % 3]) for n in range(10)]
    run_jobs()

    owner_client.post("/integrations/quickbooks/invoices/sync-all/")
    [queued] = SyncPass.objects.filter(name=PASS_ALL)
    assert queued.trigger == Trigger.BUTTON
    run_jobs()

    assert sorted(x["DocNumber"] for x in qbo_invoices(quickbooks)) == sorted(i.number for i in invoices)
    assert batch_calls(quickbooks) == 3  # 4 + 4 + 2
    queued.refresh_from_db()
    assert (queued.done, queued.total) == (10, 10)


def test_many_requests_make_one_invoice_each(quickbooks, workspace, owner_client):
    config.enable(quickbooks.connection)
    account = linked_account(quickbooks, workspace)
    invoice = issue(workspace, account)
    for _ in range(3):
        owner_client.post(f"/integrations/quickbooks/invoices/{invoice.pk}/export/")
        invoices_export_all(workspace, trigger=Trigger.BUTTON)
    run_jobs()
    owner_client.post(f"/integrations/quickbooks/invoices/{invoice.pk}/export/")
    invoice_update(invoice=invoice, actor=ACTOR, notes="Paid by wire, please")
    run_jobs()
    assert len(qbo_invoices(quickbooks)) == 1
    assert qbo_invoices(quickbooks)[0]["CustomerMemo"] == {"value": "Paid by wire, please"}
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PENDING
