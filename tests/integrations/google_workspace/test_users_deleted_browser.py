"""Recently deleted users in a real browser: the owner deletes a user (the page says Google keeps it
20 days), finds it under Recently deleted users and brings it back to its page. Both new pages are
checked with axe-core."""

from django.urls import reverse

from hubwire.integrations.google_workspace.models import DirectoryUser
from tests.conftest import SANDBOX_DB, sign_in
from tests.test_accessibility import axe_script, serious_violations  # noqa: F401  (axe_script: a fixture)

pytestmark = SANDBOX_DB
HENRY = "henry.novak@northwind.example"


def test_delete_a_user_then_bring_it_back(page, directory, sandbox, owner, axe_script):
    base = sandbox.base_url
    sign_in(page, base, owner)
    row = DirectoryUser.objects.get(primary_email=HENRY)
    page.goto(base + reverse("integrations:google_workspace_user_delete", args=[row.pk]))
    assert "Google keeps a deleted user for 20 days" in page.get_by_test_id("gws-delete-warning").inner_text()
    page.fill("#confirm", HENRY)
    page.get_by_test_id("gws-delete-confirm").click()
    page.get_by_text(f"{HENRY} is deleted from Google Workspace.", exact=False).wait_for()

    page.get_by_test_id("gws-deleted-link").click()
    found = serious_violations(page, axe_script, page.url)
    assert page.get_by_test_id("gws-deleted-user").get_attribute("data-email") == HENRY
    page.get_by_role("button", name=f"Bring back {HENRY}").click()
    page.get_by_text(f"{HENRY} is back in Google Workspace.").wait_for()
    back = DirectoryUser.objects.get(primary_email=HENRY)
    assert page.url == base + reverse("integrations:google_workspace_user", args=[back.pk])
    assert back.google_id == row.google_id
    found += serious_violations(page, axe_script, base + reverse("integrations:google_workspace_users_deleted"))
    assert page.get_by_test_id("gws-deleted-none").inner_text() == "No user was deleted in the last 20 days."
    assert found == []
