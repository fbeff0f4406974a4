"""The screenshots in docs/screenshots/, made from the running app so that they are never stale: the
Integrations page (integrations.png, shown by the README) and each integration's tab (<key>.png, shown
by its page under docs/integrations/), at 1280x800, signed in as a workspace owner, with Stripe
connected in test mode and one of everything the pages show (tests/pages.py). `make test` runs this
file, so every run of the suite rewrites those whose page changed."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse

from hubwire.core.models import AuditEntry, Membership, Role, Workspace
from hubwire.integrations.models import Connection
from hubwire.integrations.registry import PROVIDERS
from tests.conftest import SANDBOX_DB, logged_in, sign_in
from tests.integrations.stripe.stripe_flow import onboard
from tests.pages import showcase

# The PostgreSQL pass of `make test` runs beside the SQLite pass: one writer of docs/screenshots/ is enough.
pytestmark = [SANDBOX_DB, pytest.mark.skipif(os.environ.get("HUBWIRE_SECOND_PASS") == "1",
                                             reason="the SQLite pass makes the screenshots")]

SCREEN = {"width": 1280, "height": 800}
# What the shots show where a run would put its own clock time (the recent-activity tables, when a
# connection was made), the sandbox's random Stripe account id, the test server's random port or
# the workspace's id (the portal link), so that a run of the suite leaves docs/screenshots/
# unchanged unless a page really changed.
SHOWN_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SHOWN_STRIPE_ACCOUNT = "acct_1NorthwindStudio"
SHOWN_BASE_URL = "https://crm.example.com"
SHOWN_WORKSPACE_ID = 1


@pytest.fixture
def workspace(owner):
    """conftest's workspace, with the id the portal link shows (each test starts on empty tables)."""
    made = Workspace.objects.create(pk=SHOWN_WORKSPACE_ID, name="Northwind")
    Membership.objects.create(workspace=made, user=owner, role=Role.OWNER)
    return made
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def things(sandbox, owner, workspace, settings):
    onboard(logged_in(owner), workspace)
    made = showcase(workspace, owner)
    AuditEntry.objects.filter(workspace=workspace).update(created_at=SHOWN_AT)
    Connection.objects.filter(workspace=workspace).exclude(connected_at=None).update(connected_at=SHOWN_AT)
    Connection.objects.filter(workspace=workspace, provider="stripe").update(external_account_id=SHOWN_STRIPE_ACCOUNT)
    settings.HUBWIRE_SANDBOX_URL = f"{sandbox.base_url}/sandbox"  # the pages still reach the sandbox
    settings.HUBWIRE_BASE_URL = SHOWN_BASE_URL
    return made


def shoot(page, url: str, name: str, *, tab: bool = False) -> Path:
    """The page at `url`; for a tab, scrolled so that the tab list is at the top (the status cards
    above it are the same on every tab: integrations.png shows them)."""
    page.goto(url)
    assert page.url == url, f"{url} redirected to {page.url}"
    page.wait_for_load_state("networkidle")
    if tab:
        page.evaluate("document.querySelector('[role=tablist]').scrollIntoView({block: 'start'})")
    path, shot = SHOTS / f"{name}.png", page.screenshot()
    if not path.exists() or path.read_bytes() != shot:  # a page that looks the same leaves git clean
        path.write_bytes(shot)
    return path


def test_the_docs_screenshots_are_made_from_the_app(page, sandbox, owner, things):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(SCREEN)
    sign_in(page, sandbox.base_url, owner)
    made = [shoot(page, sandbox.base_url + reverse("integrations:page"), "integrations")]
    made += [shoot(page, sandbox.base_url + reverse("integrations:tab", args=[key]), key, tab=True)
             for key in PROVIDERS]
    for path in made:
        assert path.stat().st_size > 10_000, f"{path.name} is nearly empty"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Every integration page under docs/ shows its tab's screenshot, and no screenshot is left over.
    shown = {p.name for p in made}
    assert {p.name for p in SHOTS.glob("*.png")} == shown
    for doc in (SHOTS.parent / "integrations").glob("*.md"):
        assert any(f"../screenshots/{name}" in doc.read_text() for name in shown), f"{doc.name} shows no screenshot"
