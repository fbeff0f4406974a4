"""On a 390 px wide phone no page scrolls sideways: every main page of the team and of a portal
client, with Stripe connected (its panel carries the longest values) and one of everything to show."""

import pytest

from tests.conftest import SANDBOX_DB, logged_in, sign_in
from tests.integrations.stripe.stripe_flow import onboard
from tests.pages import main_pages, portal_pages, showcase

pytestmark = SANDBOX_DB

PHONE = {"width": 390, "height": 844}

# What sticks out past the right edge, to name the culprit when a page is too wide.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .filter(e => !e.parentElement.closest('table, pre'))  // those scroll inside their own box
  .slice(-5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                      + ' "' + (e.textContent || '').trim().slice(0, 40) + '"')"""


def too_wide(page, urls: list[str]) -> dict[str, tuple[int, list[str]]]:
    """The pages among `urls` wider than the phone: url -> (width, what overflows)."""
    wide = {}
    for url in urls:
        page.goto(url)
        assert page.url == url, f"{url} redirected to {page.url}"
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            wide[url] = (width, page.evaluate(OVERFLOWING))
    return wide


@pytest.fixture
def things(sandbox, owner, workspace):
    onboard(logged_in(owner), workspace)
    return showcase(workspace, owner)


def test_no_team_page_scrolls_sideways_on_a_390px_phone(page, sandbox, owner, things):
    page.set_viewport_size(PHONE)
    sign_in(page, sandbox.base_url, owner)
    assert too_wide(page, main_pages(sandbox.base_url, things)) == {}


def test_no_portal_page_scrolls_sideways_on_a_390px_phone(page, sandbox, things):
    pages = portal_pages(sandbox.base_url, things)
    page.set_viewport_size(PHONE)
    page.goto(pages[0])
    page.fill("#id_email", things["client_email"])
    page.fill("#id_password", things["client_password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(pages[0])
    assert too_wide(page, pages) == {}
