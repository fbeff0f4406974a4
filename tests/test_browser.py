"""In a real browser (Playwright driving Debian's chromium): a team user signs in, creates a lead,
accepts a quote, books an appointment, marks an invoice paid, and sees the events that recorded."""

from hubwire.crm.models import Appointment, Invoice, Lead, Quote
from tests.conftest import PASSWORD, book_in_browser
from tests.factories import crm_objects


def test_team_user_works_the_crm_and_sees_its_events(page, live_server, owner, workspace):
    objects = crm_objects(workspace)
    base = live_server.url

    page.goto(f"{base}/")
    assert "/login/" in page.url
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator("h1").inner_text() == "Northwind"

    # A lead, with a bad phone first: the field error shows and nothing is saved.
    page.goto(f"{base}/leads/new/")
    page.fill("#id_name", "Dana Scully")
    page.fill("#id_phone", "12")
    page.click("button[type=submit]")
    assert "not a valid phone number" in page.locator(".errorlist").first.inner_text()
    assert not Lead.objects.filter(name="Dana Scully").exists()
    page.fill("#id_phone", "+1 212 555 1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/leads/*/")
    assert Lead.objects.get(name="Dana Scully").phone == "+12125551234"

    # Accept a quote.
    quote = objects["quotes"]
    page.goto(f"{base}/quotes/{quote.pk}/")
    page.click("button:has-text('Accept')")
    assert page.get_by_test_id("status").inner_text() == "Accepted"
    assert Quote.objects.get(pk=quote.pk).status == "accepted"

    # Book an appointment on Zoom, in New York time.
    book_in_browser(page, base, title="Strategy call", start="2031-03-04T09:30", end="2031-03-04T10:15",
                    time_zone="America/New_York", location_type="zoom")
    booked = Appointment.objects.get(title="Strategy call")
    assert booked.start.isoformat() == "2031-03-04T14:30:00+00:00"
    assert "09:30 (America/New_York)" in page.content()  # shown in its own zone, not UTC

    # Mark an invoice paid.
    invoice = objects["invoices"]
    page.goto(f"{base}/invoices/{invoice.pk}/")
    page.click("button:has-text('Mark paid')")
    assert page.get_by_test_id("status").inner_text() == "Paid"
    assert Invoice.objects.get(pk=invoice.pk).payments.count() == 1

    # The events that recorded all of it.
    page.goto(f"{base}/events/")
    table = page.locator("table").inner_text()
    for event_type in ("lead.created", "quote.accepted", "appointment.booked", "payment.received", "invoice.paid"):
        assert event_type in table, event_type
