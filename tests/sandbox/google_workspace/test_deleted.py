"""Deleted users in the sandbox Directory over real HTTP, every answer checked against the discovery
document: users.delete keeps a user for 20 days, users.list?showDeleted=true lists them with their
deletionTime, and users.undelete brings one back (sandbox/google_workspace/deleted.py)."""

from tests.conftest import SANDBOX_DB
from tests.sandbox.google_workspace.conftest import NEW_USER, OWNER, assert_google_error, directory_client
from tests.sandbox.google_workspace.schema import validate

pytestmark = SANDBOX_DB
DAY = 24 * 3600


def deleted(client) -> list[dict]:
    return validate(client.get("/users", params={"customer": "my_customer", "showDeleted": "true"}).json(),
                    "Users").get("users", [])


def made_then_deleted(client, sandbox) -> dict:
    sandbox.control("workspace-new-user-delay", seconds=0)
    user = client.post("/users", json=NEW_USER).json()
    assert client.delete(f"/users/{user['id']}").status_code == 204
    return user


def test_a_deleted_user_is_listed_as_deleted_and_undelete_brings_it_back(owner, sandbox):
    user = made_then_deleted(owner, sandbox)
    assert_google_error(owner.get(f"/users/{user['id']}"), 404, "notFound", "userKey")
    listed = owner.get("/users", params={"customer": "my_customer", "query": "email:new.hire*"}).json()
    assert listed.get("users", []) == []
    [gone] = deleted(owner)
    assert (gone["id"], gone["primaryEmail"], gone["name"]["fullName"]) == (user["id"], "new.hire@northwind.example",
                                                                          "Nia Hale")
    assert gone["deletionTime"].endswith("Z")

    assert_google_error(owner.post(f"/users/{user['primaryEmail']}/undelete", json={}), 404, "notFound", "userKey")
    answer = owner.post(f"/users/{user['id']}/undelete", json={"orgUnitPath": "/"})
    assert (answer.status_code, answer.content) == (204, b"")
    back = validate(owner.get(f"/users/{user['id']}").json(), "User")
    assert (back["primaryEmail"], back["name"]["fullName"], back["etag"] != user["etag"]) == (
        "new.hire@northwind.example", "Nia Hale", True)
    assert deleted(owner) == []
    assert_google_error(owner.post(f"/users/{user['id']}/undelete", json={}), 404, "notFound", "userKey")


def test_twenty_days_after_its_deletion_a_user_cannot_be_brought_back(owner, sandbox, frozen):
    user = made_then_deleted(owner, sandbox)
    frozen(20 * DAY - 60)
    owner = directory_client(sandbox, OWNER)  # a fresh token: the first expired with the days gone by
    assert [u["id"] for u in deleted(owner)] == [user["id"]]
    frozen(120)
    assert deleted(owner) == []
    assert_google_error(owner.post(f"/users/{user['id']}/undelete", json={}), 404, "notFound", "userKey")


def test_an_address_taken_meanwhile_refuses_the_undelete_as_a_duplicate(owner, sandbox):
    user = made_then_deleted(owner, sandbox)
    owner.post("/users", json=NEW_USER).raise_for_status()  # a new user with the same address
    assert_google_error(owner.post(f"/users/{user['id']}/undelete", json={}), 409, "duplicate", "already exists")
    assert [u["id"] for u in deleted(owner)] == [user["id"]], "still there to bring back once the address is free"


def test_undelete_takes_no_body_or_an_org_unit_path_and_refuses_anything_else(owner, sandbox):
    user = made_then_deleted(owner, sandbox)
    assert_google_error(owner.post(f"/users/{user['id']}/undelete", json={"orgUnitPath": 5}), 400, "invalid",
                        "orgUnitPath")
    assert_google_error(owner.post(f"/users/{user['id']}/undelete", content=b"[1]"), 400, "parseError")
    assert owner.post(f"/users/{user['id']}/undelete").status_code == 204


def test_a_user_who_is_not_an_admin_can_neither_list_deleted_users_nor_undelete(owner, sandbox):
    user = made_then_deleted(owner, sandbox)
    plain = directory_client(sandbox, "henry.novak@northwind.example")
    assert_google_error(plain.get("/users", params={"customer": "my_customer", "showDeleted": "true"}), 403,
                        "forbidden")
    assert_google_error(plain.post(f"/users/{user['id']}/undelete", json={}), 403, "forbidden")
