"""In a real browser: an owner invites a teammate, who joins with the password they choose, then
changes it from the Team page."""

import re

from django.core import mail

from hubwire.core.models import Membership
from tests.conftest import sign_in


def test_an_invited_teammate_joins_and_changes_their_password_in_a_browser(page, live_server, owner, workspace):
    base = live_server.url
    sign_in(page, base, owner)
    page.goto(f"{base}/team/")
    page.fill("#id_email", "riley@northwind.example")
    page.select_option("#id_role", "admin")
    page.click("button:has-text('Send invitation')")
    assert "Invitation sent to riley@northwind.example" in page.locator(".flash").inner_text()
    assert "riley@northwind.example" in page.get_by_test_id("invitations").inner_text()

    link = re.search(r"https?://\S+?(/team/join/\S+/)", mail.outbox[-1].body).group(1)
    page.context.clear_cookies()  # the teammate's own browser
    page.goto(base + link)
    assert "Join Northwind" in page.locator("h1").inner_text()
    page.fill("#id_full_name", "Riley Admin")
    page.fill("#id_password", "lantern-meadow-copper-5")
    page.fill("#id_password_again", "lantern-meadow-copper-4")
    page.click("button:has-text('Join Northwind')")
    assert "The two passwords differ" in page.locator(".errorlist").first.inner_text()
    page.fill("#id_password", "lantern-meadow-copper-5")
    page.fill("#id_password_again", "lantern-meadow-copper-5")
    page.click("button:has-text('Join Northwind')")
    page.wait_for_url(f"{base}/")
    assert "Welcome to Northwind" in page.locator(".flash").inner_text()
    assert Membership.objects.get(user__email="riley@northwind.example").role == "admin"

    page.goto(f"{base}/team/")
    page.click("a:has-text('Change your password')")
    page.fill("#id_old_password", "lantern-meadow-copper-5")
    page.fill("#id_new_password1", "harbor-violet-stone-8")
    page.fill("#id_new_password2", "harbor-violet-stone-8")
    page.click("button:has-text('Change password')")
    page.wait_for_url(f"{base}/team/")
    assert "Password changed" in page.locator(".flash").inner_text()
