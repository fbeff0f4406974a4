"""The sandbox page's Google Workspace card in a real browser: the directory's users fifty a page with
their status, admin role and 2SV, the groups with their member counts, and an admin suspending and
restoring a user, which the Directory API then answers."""

from playwright.sync_api import expect

from tests.conftest import SANDBOX_DB

pytestmark = SANDBOX_DB


def test_the_card_pages_users_and_suspends_and_restores_one(page, sandbox, owner):
    sandbox.control("workspace-seed", users=48, groups=1, members_per_group=4)  # 60 users: two pages
    page.goto(f"{sandbox.base_url}/sandbox/")
    card = page.get_by_test_id("sandbox-google-workspace")
    expect(card.get_by_test_id("gws-user")).to_have_count(50)
    expect(card.locator('[data-testid="gws-user"][data-email="emma.wright@northwind.example"]')
           .get_by_test_id("gws-status")).to_have_text("Suspended (ADMIN)")
    expect(card.locator('[data-testid="gws-group"][data-email="team@northwind.example"]')).to_contain_text("6")
    expect(card.locator('[data-testid="gws-group"][data-email="group0001@northwind.example"]')).to_contain_text("4")

    ana = card.locator('[data-testid="gws-user"][data-email="ana.lima@northwind.example"]')
    ana.get_by_test_id("gws-suspend").click()
    expect(ana.get_by_test_id("gws-status")).to_have_text("Suspended (ADMIN)")
    held = owner.get("/users/ana.lima@northwind.example").json()
    assert held["suspended"] is True and held["suspensionReason"] == "ADMIN"
    ana.get_by_test_id("gws-suspend").click()
    expect(ana.get_by_test_id("gws-status")).to_have_text("Active")
    assert owner.get("/users/ana.lima@northwind.example").json()["suspended"] is False

    card.get_by_test_id("gws-users-next").click()
    expect(card.get_by_test_id("gws-user")).to_have_count(10)
    expect(card.locator('[data-testid="gws-user"][data-email="user00048@northwind.example"]')).to_be_visible()
