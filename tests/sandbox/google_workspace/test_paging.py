"""Paging across a large sandbox directory: users.list by maxResults and pageToken in each order
Google offers, every user once, in order; and workspace-seed making a benchmark-sized directory."""

import pytest

from tests.conftest import SANDBOX_DB
from tests.sandbox.google_workspace.schema import validate

pytestmark = SANDBOX_DB


def every_page(owner, **params) -> list[dict]:
    pages, token = [], None
    while True:
        answer = validate(owner.get("/users", params={"customer": "my_customer", **params,
                                                      **({"pageToken": token} if token else {})}).json(), "Users")
        pages.append(answer)
        token = answer.get("nextPageToken")
        if not token:
            return pages


@pytest.fixture
def directory_of_1200(sandbox):
    assert sandbox.control("workspace-seed", users=1188, groups=3, members_per_group=5) == {"users": 1200, "groups": 5}


@pytest.mark.parametrize("params, key", [
    ({}, lambda u: u["primaryEmail"]),
    ({"orderBy": "familyName"}, lambda u: u["name"]["familyName"].lower()),
    ({"orderBy": "givenName", "sortOrder": "DESCENDING"}, lambda u: u["name"]["givenName"].lower()),
])
def test_1200_users_page_by_page_each_once_in_order(owner, directory_of_1200, params, key):
    pages = every_page(owner, maxResults=500, **params)
    assert [len(p["users"]) for p in pages] == [500, 500, 200]
    users = [u for p in pages for u in p["users"]]
    assert len({u["id"] for u in users}) == 1200
    keys = [key(u) for u in users]
    assert keys == sorted(keys, reverse=params.get("sortOrder") == "DESCENDING")


def test_the_default_page_is_100(owner, directory_of_1200):
    pages = every_page(owner, query="email:user0*")
    assert [len(p["users"]) for p in pages] == [100] * 11 + [88]


def test_a_user_added_between_pages_is_not_a_duplicate_nor_a_skip(owner, sandbox, directory_of_1200):
    first = owner.get("/users", params={"customer": "my_customer", "maxResults": 500}).json()
    sandbox.control("workspace-new-user-delay", seconds=0)
    owner.post("/users", json={"primaryEmail": "aaron@northwind.example", "password": "long enough",
                               "name": {"givenName": "Aaron", "familyName": "Abbot"}}).raise_for_status()
    rest = every_page(owner, maxResults=500, pageToken=first["nextPageToken"])
    seen = [u["primaryEmail"] for u in first["users"]] + [u["primaryEmail"] for p in rest for u in p["users"]]
    assert len(seen) == len(set(seen)) == 1200  # aaron@ sorts before the pages still to read


def test_workspace_seed_makes_ten_thousand_users_and_five_hundred_groups(owner, sandbox):
    assert sandbox.control("workspace-seed", users=10_000, groups=500, members_per_group=20) == {
        "users": 10_012, "groups": 502}
    group = validate(owner.get("/groups/group0500@northwind.example").json(), "Group")
    assert group["directMembersCount"] == "20"
    members = validate(owner.get("/groups/group0500@northwind.example/members").json(), "Members")["members"]
    assert len(members) == 20 and all(m["type"] == "USER" for m in members)
    user = validate(owner.get("/users/user10000@northwind.example").json(), "User")
    assert user["name"] == {"givenName": "Given10000", "familyName": "Family10000",
                            "fullName": "Given10000 Family10000"}
    assert sandbox.control("workspace-seed", users=1, groups=1)["users"] == 10_013  # numbering carries on
    assert owner.get("/users/user10001@northwind.example").status_code == 200
