"""portal: what checking access on every request costs (issue 7).

A client's invoice page in the portal (its own session, the access chain re-read: the login, the
contact's account, the account's switch, and reads filtered to the account) against the team's
page for the same invoice (the team session and workspace middleware), with Django's test client
in one process on SQLite. Prints requests per second of each and the ratio; the portal page should
keep at least CEILING of the team page's rate. Run alone with `python -m bench portal`."""

import os
import time

REQUESTS = int(os.environ.get("BENCH_PORTAL_REQUESTS", "300"))
CEILING = 0.80


def _rate(client, url: str) -> float:
    for _ in range(20):
        assert client.get(url).status_code == 200, url
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.get(url)
    return REQUESTS / (time.perf_counter() - started)


def run() -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from hubwire.core.models import User
    from hubwire.core.services import workspace_create
    from hubwire.crm.services import documents, people
    from hubwire.portal.services import access_set, password_set

    setup_test_environment()  # ALLOWED_HOSTS for the test client's "testserver"
    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("bench-owner@example.test", "bench-owner-password-1")
    ws = workspace_create(name="Bench Studio", owner=owner)
    kw = {"workspace": ws, "actor": "bench"}
    account = people.account_create(**kw, name="ACME")
    contact = people.contact_create(**kw, account=account, first_name="Maya", email="maya@acme.bench")
    invoice = documents.invoice_send(invoice=documents.invoice_create(**kw, account=account, contact=contact, lines=[
        {"description": f"Line {n}", "quantity": 1, "unit_amount": 1000 + n} for n in range(10)]), actor="bench")
    access_set(account=account, enabled=True, actor=owner)
    password_set(contact=contact, password="bench-client-password-7", must_change=False, actor=owner)

    team = Client()
    team.force_login(owner)
    portal = Client()
    assert portal.post(f"/portal/{ws.pk}/sign-in/", {"email": contact.email,
                                                     "password": "bench-client-password-7"}).status_code == 302
    team_rate = _rate(team, f"/invoices/{invoice.pk}/")
    portal_rate = _rate(portal, f"/portal/{ws.pk}/invoices/{invoice.pk}/")
    ratio = portal_rate / team_rate
    verdict = "ok" if ratio >= CEILING else "SLOWER THAN CEILING"
    print(f"portal: client's invoice page {portal_rate:,.0f} req/s vs the team's {team_rate:,.0f} req/s "
          f"-> ratio {ratio:.2f} (ceiling {CEILING:.2f}) {verdict}")
