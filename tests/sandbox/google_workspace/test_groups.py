"""The sandbox Directory's groups, members and domains (providers.md §5) over real HTTP, every answer
checked against the discovery document; directMembersCount kept right through every change."""

import pytest

from hubwire.sandbox.google_workspace.models import Group, Member
from tests.conftest import SANDBOX_DB
from tests.sandbox.google_workspace.conftest import NEW_USER, OWNER, assert_google_error
from tests.sandbox.google_workspace.schema import validate

pytestmark = SANDBOX_DB
TEAM = "/groups/team@northwind.example"


def count(owner, group: str = "team@northwind.example") -> int:
    return int(validate(owner.get(f"/groups/{group}").json(), "Group")["directMembersCount"])


def test_the_sample_groups_and_their_members(owner):
    groups = validate(owner.get("/groups", params={"customer": "my_customer"}).json(), "Groups")["groups"]
    assert [g["email"] for g in groups] == ["design@northwind.example", "team@northwind.example"]
    assert [g["directMembersCount"] for g in groups] == ["3", "6"]
    members = validate(owner.get(f"{TEAM}/members").json(), "Members")["members"]
    assert len(members) == 6 and {m["type"] for m in members} == {"USER"}
    assert {m["email"]: m["role"] for m in members}[OWNER] == "OWNER"
    assert {m["role"] for m in members} == {"OWNER", "MANAGER", "MEMBER"}


def test_insert_patch_and_delete_a_group(owner):
    created = validate(owner.post("/groups", json={"email": "Sales@northwind.example", "name": "Sales",
                                                   "description": "Sellers"}).json(), "Group")
    assert created["email"] == "sales@northwind.example" and created["directMembersCount"] == "0"
    assert created["adminCreated"] is True
    assert validate(owner.get(f"/groups/{created['id']}").json(), "Group") == created
    patched = validate(owner.patch("/groups/sales@northwind.example", json={"name": "Sales team"}).json(), "Group")
    assert patched["name"] == "Sales team" and patched["description"] == "Sellers"
    assert patched["etag"] != created["etag"]
    assert owner.put(f"/groups/{created['id']}", json={"description": ""}).json()["description"] == ""
    assert owner.delete(f"/groups/{created['id']}").status_code == 204
    assert_google_error(owner.get(f"/groups/{created['id']}"), 404, "notFound", "Resource Not Found: groupKey")


def test_group_errors(owner):
    assert_google_error(owner.post("/groups", json={"email": "team@northwind.example"}), 409, "duplicate",
                        "Entity already exists.")
    assert_google_error(owner.post("/groups", json={"email": "ana.lima@northwind.example"}), 409, "duplicate")
    assert_google_error(owner.post("/groups", json={"name": "No address"}), 400, "required", "email")
    assert_google_error(owner.post("/groups", json={"email": "ops@elsewhere.example"}), 403, "forbidden")
    assert_google_error(owner.get("/groups"), 400, "badRequest")
    assert_google_error(owner.get("/groups", params={"customer": "my_customer", "maxResults": 201}), 400, "invalid")
    assert_google_error(owner.delete("/groups/nobody@northwind.example"), 404, "notFound", "groupKey")
    assert Group.objects.count() == 2


def test_groups_of_a_user_and_queries(owner):
    answer = validate(owner.get("/groups", params={"userKey": "chloe.martin@northwind.example"}).json(), "Groups")
    assert [g["email"] for g in answer["groups"]] == ["design@northwind.example", "team@northwind.example"]
    answer = owner.get("/groups", params={"customer": "my_customer", "query": "email:des*"}).json()
    assert [g["email"] for g in answer["groups"]] == ["design@northwind.example"]
    descending = owner.get("/groups", params={"domain": "northwind.example", "orderBy": "email",
                                              "sortOrder": "DESCENDING"}).json()
    assert [g["email"] for g in descending["groups"]] == ["team@northwind.example", "design@northwind.example"]


def test_members_of_each_type_and_the_count_kept_right(owner):
    user = validate(owner.post(f"{TEAM}/members", json={"email": "Iris.Chen@northwind.example",
                                                       "role": "MANAGER"}).json(), "Member")
    assert user == {**user, "email": "iris.chen@northwind.example", "role": "MANAGER", "type": "USER",
                    "status": "ACTIVE"}
    assert user["id"] == owner.get("/users/iris.chen@northwind.example").json()["id"]
    nested = validate(owner.post(f"{TEAM}/members", json={"email": "design@northwind.example"}).json(), "Member")
    assert nested["type"] == "GROUP" and nested["role"] == "MEMBER"
    outside = validate(owner.post(f"{TEAM}/members", json={"email": "pat@partner.example"}).json(), "Member")
    assert outside["type"] == "EXTERNAL"
    suspended = owner.post(f"{TEAM}/members", json={"email": "emma.wright@northwind.example"}).json()
    assert suspended["status"] == "SUSPENDED"
    assert count(owner) == 10

    assert validate(owner.get(f"{TEAM}/members/iris.chen@northwind.example").json(), "Member")["role"] == "MANAGER"
    assert validate(owner.get(f"{TEAM}/members/{user['id']}").json(), "Member")["email"] == user["email"]
    promoted = validate(owner.patch(f"{TEAM}/members/iris.chen@northwind.example", json={"role": "OWNER"}).json(),
                        "Member")
    assert promoted["role"] == "OWNER" and promoted["etag"] != user["etag"]
    assert owner.delete(f"{TEAM}/members/pat@partner.example").status_code == 204
    assert count(owner) == 9
    assert owner.delete("/users/iris.chen@northwind.example").status_code == 204  # leaves every group it was in
    assert count(owner) == 8 and count(owner, "design@northwind.example") == 2
    assert owner.delete("/groups/design@northwind.example").status_code == 204  # leaves team
    assert count(owner) == 7 == Member.objects.filter(group__email="team@northwind.example").count()


@pytest.mark.parametrize("body, status, reason, words", [
    ({"email": "staff@northwind.example"}, 409, "duplicate", "Member already exists."),
    ({"email": "ghost@northwind.example"}, 404, "notFound", "Resource Not Found: memberKey"),
    ({"email": "not an address"}, 400, "invalid", "memberKey"),
    ({}, 400, "required", "email"),
    ({"email": "ana.lima@northwind.example", "role": "BOSS"}, 400, "invalid", "role"),
    ({"email": "team@northwind.example"}, 400, "invalid", "itself"),
])
def test_member_errors_change_nothing(owner, body, status, reason, words):
    assert_google_error(owner.post(f"{TEAM}/members", json=body), status, reason, words)
    assert count(owner) == 6 == Member.objects.filter(group__email="team@northwind.example").count()


def test_member_lookups_that_miss_are_404(owner):
    assert_google_error(owner.get(f"{TEAM}/members/iris.chen@northwind.example"), 404, "notFound", "memberKey")
    assert_google_error(owner.get("/groups/nobody@northwind.example/members"), 404, "notFound", "groupKey")
    assert_google_error(owner.patch(f"{TEAM}/members/iris.chen@northwind.example", json={"role": "OWNER"}),
                        404, "notFound")


def test_the_roles_filter_and_paging_of_members(owner):
    managers = validate(owner.get(f"{TEAM}/members", params={"roles": "OWNER,MANAGER"}).json(), "Members")
    assert sorted(m["role"] for m in managers["members"]) == ["MANAGER", "OWNER"]
    first = validate(owner.get(f"{TEAM}/members", params={"maxResults": 4}).json(), "Members")
    second = validate(owner.get(f"{TEAM}/members", params={"maxResults": 4, "pageToken": first["nextPageToken"]})
                      .json(), "Members")
    assert len(first["members"]) == 4 and len(second["members"]) == 2 and "nextPageToken" not in second
    assert len({m["email"] for m in first["members"] + second["members"]}) == 6
    assert_google_error(owner.get(f"{TEAM}/members", params={"roles": "BOSS"}), 400, "invalid", "roles")


def test_has_member_directly_and_through_a_nested_group(owner):
    def has(member):
        return validate(owner.get(f"{TEAM}/hasMember/{member}").json(), "MembersHasMember")["isMember"]

    assert has("staff@northwind.example") is True and has("iris.chen@northwind.example") is False
    owner.post(f"{TEAM}/members", json={"email": "design@northwind.example"}).raise_for_status()
    assert has("iris.chen@northwind.example") is True  # a member of design, which is in team
    iris = owner.get("/users/iris.chen@northwind.example").json()["id"]
    assert has(iris) is True
    assert_google_error(owner.get(f"{TEAM}/hasMember/ghost@northwind.example"), 404, "notFound", "memberKey")


def test_domains_list_and_get(owner):
    answer = validate(owner.get("/customer/my_customer/domains").json(), "Domains2")
    assert [(d["domainName"], d["verified"], d["isPrimary"]) for d in answer["domains"]] == [
        ("northwind.example", True, True), ("northwind-studio.example", False, False)]
    assert validate(owner.get("/customer/C03az79cb/domains/northwind-studio.example").json(), "Domains")[
        "verified"] is False
    assert_google_error(owner.get("/customer/C99other99/domains"), 403, "forbidden")
    assert_google_error(owner.get("/customer/my_customer/domains/elsewhere.example"), 404, "notFound")


def test_a_new_user_added_to_a_group_once_settled(owner, sandbox):
    sandbox.control("workspace-new-user-delay", seconds=0)
    owner.post("/users", json=NEW_USER).raise_for_status()
    assert owner.post(f"{TEAM}/members", json={"email": NEW_USER["primaryEmail"]}).json()["type"] == "USER"
    assert count(owner) == 7
