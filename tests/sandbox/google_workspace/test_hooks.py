"""The sandbox Google Workspace's test hooks: failures instead of the next calls (nothing changed),
a slow answer after the change is made, the new-user window, what Google holds, and `reset`."""

import httpx
import pytest

from hubwire.sandbox.google_workspace.models import Customer, DirectoryUser, Group
from tests.conftest import SANDBOX_DB
from tests.sandbox.google_workspace.conftest import NEW_USER, OWNER, assert_google_error, directory_client

pytestmark = SANDBOX_DB


@pytest.mark.parametrize("status, reason, domain", [(403, "userRateLimitExceeded", "usageLimits"),
                                                    (403, "quotaExceeded", "usageLimits"),
                                                    (429, "rateLimitExceeded", "usageLimits"),
                                                    (503, "backendError", "global")])
def test_fail_next_answers_the_error_and_changes_nothing(owner, sandbox, status, reason, domain):
    sandbox.control("workspace-fail-next", count=2, status=status, reason=reason, method="POST",
                    path_contains="/groups")
    assert owner.get("/groups/team@northwind.example").status_code == 200  # a GET does not match
    for _ in range(2):
        error = assert_google_error(owner.post("/groups", json={"email": "ops@northwind.example"}), status, reason)
        assert error["errors"][0]["domain"] == domain
    assert not Group.objects.filter(email="ops@northwind.example").exists()
    assert owner.post("/groups", json={"email": "ops@northwind.example"}).status_code == 200


def test_fail_next_refuses_what_google_never_answers(sandbox):
    for bad in ({"status": 500, "reason": "userRateLimitExceeded"}, {"status": 403, "reason": "teapot"},
                {"status": 403, "reason": "quotaExceeded", "count": 0}, {"reason": "backendError"}):
        with pytest.raises(httpx.HTTPStatusError) as refused:
            sandbox.control("workspace-fail-next", **bad)
        assert refused.value.response.status_code == 400


def test_slow_next_applies_the_call_then_answers_late(owner, sandbox):
    sandbox.control("workspace-new-user-delay", seconds=0)
    sandbox.control("workspace-slow-next", seconds=3, method="POST", path_contains="/users")
    with pytest.raises(httpx.ReadTimeout):
        owner.post("/users", json=NEW_USER, timeout=0.5)
    held = sandbox.control("workspace-user", email=NEW_USER["primaryEmail"])  # Google made it all the same
    assert held["name"]["givenName"] == "Nia"
    assert_google_error(owner.post("/users", json=NEW_USER), 409, "duplicate")  # the retry finds it taken, at once


def test_workspace_user_answers_what_google_holds(sandbox):
    held = sandbox.control("workspace-user", email="Emma.Wright@northwind.example")
    assert held["suspended"] is True and held["suspensionReason"] == "ADMIN" and "password" not in held
    with pytest.raises(httpx.HTTPStatusError) as missing:
        sandbox.control("workspace-user", email="ghost@northwind.example")
    assert missing.value.response.status_code == 400


def test_reset_forgets_everything_and_the_next_request_seeds_again(owner, sandbox):
    sandbox.control("workspace-seed", users=20, groups=2, members_per_group=3)
    sandbox.control("workspace-new-user-delay", seconds=60)
    sandbox.control("workspace-fail-next", count=5, status=503, reason="backendError")
    assert DirectoryUser.objects.count() == 32
    sandbox.control("reset")
    assert not Customer.objects.exists() and not DirectoryUser.objects.exists()
    assert owner.get("/users", params={"customer": "my_customer"}).status_code == 401  # the tokens went too
    again = directory_client(sandbox, OWNER)  # signed in again through the sandbox Google
    answer = again.get("/users", params={"customer": "my_customer"})
    assert answer.status_code == 200 and len(answer.json()["users"]) == 12  # no failure left, sample data back
    assert Customer.objects.get().new_user_delay_seconds is None
