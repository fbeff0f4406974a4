"""Issue 21's "done when", the groups part, in a real browser against the sandbox: from the Google
Workspace tab the owner opens View Groups, creates a group, and adds a user of the domain to it
(the dry run first, then Confirm), and sees the user among the group's members, as Google holds it;
then deletes the group, typing its address on the page that says what goes. The groups pages have
no serious accessibility violations."""

import re

from hubwire.sandbox.google_workspace.models import Group as GoogleGroup
from hubwire.sandbox.google_workspace.models import Member as GoogleMember
from tests.conftest import SANDBOX_DB, sign_in
from tests.test_accessibility import axe_script, serious_violations  # noqa: F401  (axe_script: a fixture)

pytestmark = SANDBOX_DB

NEW_USER = "staff@northwind.example"


def test_open_view_groups_create_a_group_and_add_a_user(page, directory, sandbox, owner, axe_script):
    base = sandbox.base_url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/google_workspace/")
    page.get_by_test_id("gws-groups").click()
    page.wait_for_url(f"{base}/integrations/google_workspace/groups/")
    page.get_by_test_id("gws-groups-refresh").click()
    page.get_by_text("team@northwind.example", exact=True).wait_for()
    violations = serious_violations(page, axe_script, page.url)

    page.get_by_test_id("gws-group-new").click()
    page.get_by_label("Address").fill("sales@northwind.example")
    page.get_by_label("Name", exact=True).fill("Sales team")
    page.get_by_label("Description").fill("Quotes and leads")
    page.get_by_test_id("gws-group-create").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/integrations/google_workspace/groups/\d+/$"))
    assert page.get_by_test_id("gws-group-email").inner_text() == "sales@northwind.example"
    page.get_by_test_id("gws-members-none").wait_for()
    violations += serious_violations(page, axe_script, page.url)

    page.get_by_label("Addresses").fill(NEW_USER)
    page.get_by_test_id("gws-add-check").click()
    preview = page.get_by_test_id("gws-preview-item")
    preview.wait_for()
    assert "Will be added as member" in preview.inner_text()
    assert not GoogleMember.objects.using("sandbox").filter(group__email="sales@northwind.example").exists()

    page.get_by_test_id("gws-add-confirm").click()
    result = page.locator(f"[data-testid=gws-add-result][data-email='{NEW_USER}']")
    result.wait_for()
    assert result.get_attribute("data-outcome") == "added"
    page.locator(f"[data-testid=gws-member-row][data-email='{NEW_USER}']").wait_for()
    assert page.get_by_test_id("gws-group-count").inner_text() == "1"
    assert list(GoogleMember.objects.using("sandbox").filter(group__email="sales@northwind.example")
                .values_list("email", "role")) == [(NEW_USER, "MEMBER")]

    page.get_by_test_id("gws-group-delete").click()
    page.get_by_test_id("gws-group-delete-warning").wait_for()
    violations += serious_violations(page, axe_script, page.url)
    page.get_by_label("Type sales@northwind.example to confirm").fill("sales@northwind.example")
    page.get_by_test_id("gws-group-delete-confirm").click()
    page.wait_for_url(f"{base}/integrations/google_workspace/groups/")
    page.get_by_text("Group sales@northwind.example is deleted from Google Workspace.").wait_for()
    assert not GoogleGroup.objects.using("sandbox").filter(email="sales@northwind.example").exists()
    assert violations == []
