"""The invoice export in a real browser: Sync All Invoices on the QuickBooks tab, its progress under
way, the counts moving without a reload once the worker has exported; and Export now on an invoice's
page, whose card turns to "In QuickBooks" with the QuickBooks Id by itself."""

from hubwire.integrations.quickbooks import config
from tests.conftest import SANDBOX_DB, sign_in
from tests.integrations.meetings import run_jobs
from tests.integrations.quickbooks.invoicing import issue, linked_account, qbo_invoices

pytestmark = SANDBOX_DB


def test_sync_all_on_the_tab_shows_progress_then_the_exported_count(page, quickbooks, owner, workspace):
    config.enable(quickbooks.connection)
    account = linked_account(quickbooks, workspace)
    invoices = [issue(workspace, account) for _ in range(2)]
    run_jobs()  # the events: both listed, waiting for the export day
    base = quickbooks.sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/quickbooks/")
    assert page.get_by_test_id("qbo-invoices-waiting").inner_text() == "2"
    assert "February has no 30th" in page.get_by_test_id("qbo-next-export").inner_text()

    page.get_by_test_id("qbo-sync-all").click()
    page.wait_for_selector("[data-testid=qbo-invoices-under-way]")
    under_way = page.get_by_test_id("qbo-invoices-under-way").inner_text()
    assert "Export all pending invoices to QuickBooks: queued" in under_way
    assert "Export all pending invoices to QuickBooks" in page.get_by_test_id("sync-passes").inner_text()
    page.evaluate("window.notReloaded = true")

    run_jobs()  # the worker
    page.wait_for_selector("[data-testid=qbo-invoices-exported]:text-is('2')")
    assert page.get_by_test_id("qbo-invoices-under-way").count() == 0
    assert page.evaluate("window.notReloaded") is True
    assert sorted(x["DocNumber"] for x in qbo_invoices(quickbooks)) == sorted(i.number for i in invoices)


def test_export_now_on_an_invoice_page_turns_the_card_to_in_quickbooks(page, quickbooks, owner, workspace):
    config.enable(quickbooks.connection)
    invoice = issue(workspace, linked_account(quickbooks, workspace))
    run_jobs()
    base = quickbooks.sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/invoices/{invoice.pk}/")
    assert page.get_by_test_id("qbo-state").inner_text() == "Waiting for the next export"
    page.evaluate("window.notReloaded = true")

    page.get_by_test_id("qbo-export").click()
    page.wait_for_selector("[data-testid=qbo-state]:text-is('Being exported')")
    assert page.get_by_test_id("qbo-notice").inner_text() == f"{invoice.number} is on its way to QuickBooks."

    run_jobs()  # the worker
    page.wait_for_selector("[data-testid=qbo-state]:text-is('In QuickBooks')")
    [sent] = qbo_invoices(quickbooks)
    assert page.get_by_test_id("qbo-id").inner_text() == f"Id {sent['Id']}"
    assert page.get_by_test_id("qbo-doc-number").inner_text() == invoice.number
    assert page.evaluate("window.notReloaded") is True


def test_the_export_polling_on_the_tab_never_cancels_the_tab_chosen_meanwhile(page, quickbooks, owner, workspace):
    config.enable(quickbooks.connection)
    issue(workspace, linked_account(quickbooks, workspace))
    run_jobs()
    base = quickbooks.sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/quickbooks/")
    page.get_by_test_id("qbo-sync-all").click()
    page.wait_for_selector("[data-testid=qbo-invoices-under-way]")  # the section polls every 2 s from now

    # Zoom's tab is chosen, and its answer is held back until the section's next poll has come up.
    held = []
    page.route(f"{base}/integrations/zoom/", lambda route: held.append(route))
    with page.expect_request(f"{base}/integrations/zoom/"):
        page.get_by_test_id("tab-zoom").click()
    page.evaluate("""() => { window.polled = false; document.addEventListener("htmx:confirm", (e) => {
        if (e.detail.elt.id === "qbo-invoices") window.polled = true; }); }""")
    page.wait_for_function("window.polled")
    held[0].continue_()

    page.wait_for_url(f"{base}/integrations/zoom/")
    page.wait_for_selector("[data-testid=tab-panel][data-provider=zoom]")
    assert page.get_by_test_id("qbo-invoices").count() == 0
