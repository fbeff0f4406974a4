"""Issue 21's "done when" for users, in a real browser with a real worker: the owner connects the
sandbox Google Workspace as its super admin, sees the members (the first read, run by the worker),
creates a user on the domain (the temporary password shown once), and suspends and restores them.
Every page visited is checked with axe-core."""

import re

import pytest

from hubwire.integrations.google_workspace.models import DirectoryUser, UserStatus
from tests.conftest import SANDBOX_DB, sign_in
from tests.integrations.google_workspace.conftest import SUPER_ADMIN
from tests.test_accessibility import axe_script, serious_violations  # noqa: F401  (axe_script: a fixture)

pytestmark = [SANDBOX_DB, pytest.mark.worker]

WORKER_MS = 120_000


def test_connect_create_suspend_and_restore(page, sandbox, celery_worker, owner, workspace, axe_script):
    base = sandbox.base_url
    tab = f"{base}/integrations/google_workspace/"
    sign_in(page, base, owner)
    found = serious_violations(page, axe_script, tab)
    assert "super admin" in page.get_by_test_id("gws-not-connected").inner_text()

    page.get_by_test_id("connect").click()
    page.wait_for_url(re.compile(r".*/sandbox/accounts\.google\.com/o/oauth2/v2/auth\?.*"))
    page.fill("#email", SUPER_ADMIN)
    page.click("[data-testid=allow]")
    page.wait_for_url(tab)
    assert page.get_by_test_id("card-google_workspace").get_attribute("data-colour") == "green"
    assert "northwind-studio.example is not verified" in page.get_by_test_id("gws-check").inner_text()
    found += serious_violations(page, axe_script, tab)

    # The first read of the domain's users, by the worker: the Members page lists them.
    members = f"{base}/integrations/google_workspace/users/"
    page.goto(members)
    for _ in range(60):
        if page.get_by_test_id("gws-user").count():
            break
        page.wait_for_timeout(2000)
        page.reload()
    assert page.locator("[data-testid=gws-user][data-email='owner@northwind.example']").count() == 1
    found += serious_violations(page, axe_script, members)

    page.get_by_test_id("gws-create-user").click()
    found += serious_violations(page, axe_script, page.url)
    page.fill("#given_name", "Nora")
    page.fill("#family_name", "Quinn")
    page.fill("#local_part", "nora.quinn")
    page.get_by_test_id("gws-create-submit").click()
    password = page.get_by_test_id("gws-password").inner_text(timeout=WORKER_MS)
    assert len(password) >= 12
    row = DirectoryUser.objects.get(primary_email="nora.quinn@northwind.example")

    page.goto(f"{base}/integrations/google_workspace/users/{row.pk}/")
    found += serious_violations(page, axe_script, page.url)
    page.get_by_test_id("gws-suspend").click()
    page.wait_for_selector("[data-testid=gws-restore]")
    assert page.get_by_test_id("gws-user-status").inner_text().startswith("Suspended")
    assert DirectoryUser.objects.get(pk=row.pk).status == UserStatus.SUSPENDED
    assert sandbox.control("workspace-user", email=row.primary_email)["suspended"] is True
    page.get_by_test_id("gws-restore").click()
    page.wait_for_selector("[data-testid=gws-suspend]")
    assert sandbox.control("workspace-user", email=row.primary_email)["suspended"] is False
    assert password not in page.content()  # shown once, on the answer that set it
    assert not found, "\n".join(found)
