"""The Directory's per-user quota (providers.md §5 "Quotas"): past the requests a minute allows,
403 userRateLimitExceeded in the usageLimits domain; a minute of the sandbox clock later, free again."""

from hubwire.sandbox.google_workspace import throttle
from hubwire.sandbox.google_workspace.models import Group
from tests.conftest import SANDBOX_DB, in_threads
from tests.sandbox.google_workspace.conftest import HELPDESK, assert_google_error, directory_client

pytestmark = SANDBOX_DB
LIST = {"customer": "my_customer"}


def assert_quota_refusal(response) -> None:
    error = assert_google_error(response, 403, "userRateLimitExceeded", "Queries per minute per user")
    assert error["errors"][0]["domain"] == "usageLimits"


def test_the_default_is_google_s_2400_a_minute():
    assert throttle.requests_per_minute() == 2400


def test_past_the_limit_a_minute_later_free_again(owner, frozen, settings):
    settings.HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE = 5
    assert [owner.get("/users", params=LIST).status_code for _ in range(5)] == [200] * 5
    assert_quota_refusal(owner.get("/users", params=LIST))
    assert_quota_refusal(owner.post("/groups", json={"email": "ops@northwind.example"}))  # writes too, and nothing made
    assert not Group.objects.filter(email="ops@northwind.example").exists()
    frozen(59)
    assert_quota_refusal(owner.get("/users", params=LIST))
    frozen(1)
    assert owner.post("/groups", json={"email": "ops@northwind.example"}).status_code == 200


def test_the_minute_slides_a_second_at_a_time(owner, frozen, settings):
    settings.HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE = 3
    assert owner.get("/users", params=LIST).status_code == 200  # at 0 s
    frozen(30)
    assert [owner.get("/users", params=LIST).status_code for _ in range(2)] == [200, 200]  # at 30 s
    frozen(30)
    assert owner.get("/users", params=LIST).status_code == 200  # at 60 s the first has left the minute
    assert_quota_refusal(owner.get("/users", params=LIST))


def test_each_user_has_their_own_quota(owner, sandbox, frozen, settings):
    settings.HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE = 2
    helpdesk = directory_client(sandbox, HELPDESK)
    assert [owner.get("/groups", params=LIST).status_code for _ in range(2)] == [200, 200]
    assert_quota_refusal(owner.get("/groups", params=LIST))
    assert [helpdesk.get("/groups", params=LIST).status_code for _ in range(2)] == [200, 200]


def test_requests_at_the_same_moment_never_share_the_last_places(owner, frozen, settings):
    settings.HUBWIRE_SANDBOX_WORKSPACE_REQUESTS_PER_MINUTE = 4
    statuses, errors = in_threads(10, lambda: owner.get("/groups/team@northwind.example").status_code)
    assert not errors
    assert sorted(statuses) == [200] * 4 + [403] * 6
