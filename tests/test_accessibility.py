"""axe-core on every main page (issue 16, item 10): no violation of impact serious or critical, for
the team, for a client in the portal, and signed out. axe-core comes from the npm registry, pinned, by
scripts/ensure-axe.sh (`make test` runs it); Playwright injects it into each page and runs it."""

import re
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES, sign_in
from tests.factories import crm_objects
from tests.portal.conftest import CLIENT_PASSWORD, account_with_things

AXE = Path(__file__).resolve().parents[1] / "var" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

# The team's main pages ({name} is filled with the id of an object of that kind).
TEAM_PAGES = [
    "/", "/team/", "/settings/api-keys/", "/events/", "/messages/", "/messages/{accounts}/",
    *(f"/{key}/" for key in ("accounts", "contacts", "leads", "quotes", "invoices", "appointments", "projects", "contracts")),
    *(f"/{key}/new/" for key in ("accounts", "contacts", "leads", "quotes", "invoices", "appointments", "projects", "contracts")),
    *(f"/{key}/{{{key}}}/" for key in ("accounts", "contacts", "leads", "quotes", "invoices", "appointments", "projects", "contracts")),
    "/invoices/{invoices}/edit/",
    "/integrations/", "/integrations/stripe/", "/integrations/portal/", "/integrations/zoom/", "/integrations/webhooks/",
    "/integrations/quickbooks/", "/integrations/audit/", "/integrations/portal/accounts/{accounts}/",
    "/webhooks/", "/webhooks/endpoints/new/", "/webhooks/inbound/new/", "/webhooks/deliveries/",
    "/no/such/page/",
]
SIGNED_OUT_PAGES = ["/login/", "/password/reset/", "/portal/{workspace}/sign-in/", "/portal/{workspace}/reset/"]
PORTAL_PAGES = ["", "projects/", "projects/{project}/", "invoices/", "invoices/{invoice}/", "contracts/",
                "contracts/{contract}/", "messages/", "change-password/"]


@pytest.fixture
def axe_script() -> str:
    if not AXE.exists():
        message = f"{AXE} is missing (make test installs it: scripts/ensure-axe.sh)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


def serious_violations(page, axe_script: str, url: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(path=axe_script)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{url}: {v['id']} ({v['impact']}) {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in SERIOUS]


def test_team_pages_have_no_serious_accessibility_violations(page, live_server, owner, workspace, axe_script):
    objects = crm_objects(workspace)
    ids = {key: obj.pk for key, obj in objects.items()}
    sign_in(page, live_server.url, owner)
    found = [v for path in TEAM_PAGES for v in serious_violations(page, axe_script, live_server.url + path.format(**ids))]
    assert not found, "\n".join(found)


def test_signed_out_and_portal_pages_have_no_serious_accessibility_violations(page, live_server, owner, workspace,
                                                                             axe_script):
    things = account_with_things(workspace, owner, "ACME Creative", "maya@acme.test")
    base = live_server.url
    found = [v for path in SIGNED_OUT_PAGES for v in serious_violations(page, axe_script, base + path.format(workspace=workspace.pk))]

    portal = f"{base}/portal/{workspace.pk}/"
    page.goto(portal + "sign-in/")
    page.fill("input[name=email]", "maya@acme.test")
    page.fill("input[name=password]", CLIENT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(portal)
    ids = {key: obj.pk for key, obj in things.items()}
    found += [v for path in PORTAL_PAGES for v in serious_violations(page, axe_script, portal + path.format(**ids))]
    assert not found, "\n".join(found)


def test_a_keyboard_user_skips_the_navigation_and_each_control_names_what_it_acts_on(page, live_server, owner, workspace):
    things = account_with_things(workspace, owner, "ACME Creative", "maya@acme.test")
    invoice = crm_objects(workspace)["invoices"]
    base = live_server.url
    sign_in(page, base, owner)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(f"{base}/invoices/{invoice.pk}/")
    for name in ("Amount (leave empty for the balance due)", "Payment method", "Reference (optional)"):
        assert page.get_by_label(name, exact=True).count() == 1, name
    page.goto(f"{base}/projects/{things['project'].pk}/")
    assert page.get_by_label("Milestone due date", exact=True).count() == 1
    page.goto(f"{base}/integrations/portal/")
    switch = page.get_by_role("button", name=re.compile(r"^On\W+client portal for ACME Creative$"))
    assert switch.get_attribute("aria-pressed") == "true"
