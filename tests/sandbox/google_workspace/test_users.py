"""The sandbox Directory's users (providers.md §5) over real HTTP, every answer checked against the
discovery document: list, get, insert, patch, update, delete, makeAdmin, and what Google refuses."""

import pytest

from hubwire.sandbox.google_workspace.models import DirectoryUser
from tests.conftest import SANDBOX_DB
from tests.sandbox.google_workspace.conftest import NEW_USER, OWNER, assert_google_error
from tests.sandbox.google_workspace.schema import validate

pytestmark = SANDBOX_DB


def emails(answer: dict) -> list[str]:
    return [u["primaryEmail"] for u in answer.get("users", [])]


def test_the_sample_directory_is_seeded_with_its_kinds_of_users(owner):
    answer = validate(owner.get("/users", params={"customer": "my_customer"}).json(), "Users")
    users = {u["primaryEmail"]: u for u in answer["users"]}
    assert len(users) == 12 and "nextPageToken" not in answer
    assert emails(answer) == sorted(users)  # by email unless asked otherwise
    assert users[OWNER]["isAdmin"] is True and users[OWNER]["customerId"] == "C03az79cb"
    assert users["helpdesk@northwind.example"]["isDelegatedAdmin"] is True
    suspended = [u for u in users.values() if u["suspended"]]
    assert len(suspended) == 2 and {u.get("suspensionReason") for u in suspended} >= {"ADMIN"}
    assert [u["primaryEmail"] for u in users.values() if u["archived"]] == ["grace.kim@northwind.example"]
    assert users["henry.novak@northwind.example"]["lastLoginTime"] == "1970-01-01T00:00:00.000Z"
    assert any(u["isEnrolledIn2Sv"] for u in users.values()) and not all(u["isEnrolledIn2Sv"] for u in users.values())
    assert all("password" not in u for u in users.values())


def test_insert_get_patch_update_and_delete_a_user(owner, sandbox):
    sandbox.control("workspace-new-user-delay", seconds=0)
    created = validate(owner.post("/users", json=NEW_USER).json(), "User")
    assert created["primaryEmail"] == NEW_USER["primaryEmail"] and created["name"]["fullName"] == "Nia Hale"
    assert created["lastLoginTime"] == "1970-01-01T00:00:00.000Z" and "password" not in created
    assert created["id"].isdigit() and len(created["id"]) == 21

    assert validate(owner.get(f"/users/{created['id']}").json(), "User")["primaryEmail"] == NEW_USER["primaryEmail"]
    patched = validate(owner.patch("/users/New.Hire@northwind.example",
                                   json={"name": {"familyName": "Hale-Ito"}, "suspended": True}).json(), "User")
    assert patched["name"] == {"givenName": "Nia", "familyName": "Hale-Ito", "fullName": "Nia Hale-Ito"}
    assert patched["suspended"] is True and patched["suspensionReason"] == "ADMIN"
    assert patched["etag"] != created["etag"]
    updated = validate(owner.put(f"/users/{created['id']}", json={"suspended": False,
                                                                  "recoveryEmail": "nia@home.example"}).json(), "User")
    assert updated["suspended"] is False and "suspensionReason" not in updated
    assert updated["recoveryEmail"] == "nia@home.example" and updated["name"]["familyName"] == "Hale-Ito"
    assert sandbox.control("workspace-user", email=NEW_USER["primaryEmail"])["recoveryEmail"] == "nia@home.example"

    assert owner.delete(f"/users/{created['id']}").status_code == 204
    assert_google_error(owner.get(f"/users/{created['id']}"), 404, "notFound", "Resource Not Found: userKey")
    assert_google_error(owner.delete(f"/users/{created['id']}"), 404, "notFound", "userKey")


def test_the_password_is_kept_only_as_a_hash(owner, sandbox):
    sandbox.control("workspace-new-user-delay", seconds=0)
    owner.post("/users", json=NEW_USER).raise_for_status()
    stored = DirectoryUser.objects.get(primary_email=NEW_USER["primaryEmail"])
    assert stored.password_hash.startswith("pbkdf2_sha256$") and NEW_USER["password"] not in stored.password_hash
    assert "password" not in owner.get(f"/users/{stored.user_id}").json()
    assert "password" not in sandbox.control("workspace-user", email=NEW_USER["primaryEmail"])


def test_make_admin_and_back(owner, sandbox):
    assert owner.post("/users/staff@northwind.example/makeAdmin", json={"status": True}).status_code == 204
    assert owner.get("/users/staff@northwind.example").json()["isAdmin"] is True
    assert owner.post("/users/staff@northwind.example/makeAdmin", json={"status": False}).status_code == 204
    assert owner.get("/users/staff@northwind.example").json()["isAdmin"] is False
    assert_google_error(owner.post("/users/staff@northwind.example/makeAdmin", json={}), 400, "required", "status")


def test_a_taken_address_is_409_and_writes_nothing(owner, sandbox):
    sandbox.control("workspace-new-user-delay", seconds=0)
    assert_google_error(owner.post("/users", json={**NEW_USER, "primaryEmail": "ana.lima@northwind.example"}),
                        409, "duplicate", "Entity already exists.")
    assert_google_error(owner.post("/users", json={**NEW_USER, "primaryEmail": "team@northwind.example"}),
                        409, "duplicate")  # a group's address
    ana = owner.get("/users/ana.lima@northwind.example").json()
    assert_google_error(owner.patch("/users/ben.okafor@northwind.example", json={"primaryEmail": ana["primaryEmail"]}),
                        409, "duplicate")
    assert DirectoryUser.objects.count() == 12


def test_a_domain_the_customer_has_not_verified_or_does_not_own_is_403(owner):
    for address in ("nia@northwind-studio.example", "nia@elsewhere.example"):
        assert_google_error(owner.post("/users", json={**NEW_USER, "primaryEmail": address}), 403, "forbidden",
                            "Not Authorized to access this resource/api")
    assert not DirectoryUser.objects.filter(given_name="Nia").exists()


@pytest.mark.parametrize("change, reason, words", [
    ({"password": "short7!"}, "invalid", "Invalid Password"),
    ({"password": "x" * 101}, "invalid", "Invalid Password"),
    ({"password": "pässwörd-lang"}, "invalid", "Invalid Password"),
    ({"password": None}, "required", "password"),
    ({"hashFunction": "SHA-1", "password": "not-hex"}, "invalid", "SHA-1"),
    ({"hashFunction": "bcrypt"}, "invalid", "hashFunction"),
    ({"name": {"familyName": "Hale"}}, "required", "name.givenName"),
    ({"name": {"givenName": "Nia"}}, "required", "name.familyName"),
    ({"name": {"givenName": "N" * 61, "familyName": "Hale"}}, "invalid", "GivenName"),
    ({"primaryEmail": "not an email"}, "invalid", "primary_user_email"),
    ({"primaryEmail": None}, "required", "primaryEmail"),
    ({"suspended": "yes"}, "invalid", "suspended"),
    ({"favouriteColour": "blue"}, "invalid", "favouriteColour"),
])
def test_a_body_google_refuses_is_400_naming_the_field(owner, change, reason, words):
    body = {k: v for k, v in {**NEW_USER, **change}.items() if v is not None}
    assert_google_error(owner.post("/users", json=body), 400, reason, words)
    assert DirectoryUser.objects.count() == 12


def test_a_body_that_is_not_json_is_a_parse_error(owner):
    assert_google_error(owner.post("/users", content=b"{oops", headers={"Content-Type": "application/json"}),
                        400, "parseError")


def test_a_hashed_password_is_taken_with_its_hash_function(owner, sandbox):
    body = {**NEW_USER, "hashFunction": "SHA-1", "password": "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"}
    assert owner.post("/users", json=body).status_code == 200
    assert DirectoryUser.objects.get(given_name="Nia").password_hash == "SHA-1$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"


def test_list_needs_customer_or_domain(owner):
    assert_google_error(owner.get("/users"), 400, "badRequest", "Bad Request")
    assert_google_error(owner.get("/users", params={"customer": "C99other99"}), 403, "forbidden")
    assert_google_error(owner.get("/users", params={"domain": "elsewhere.example"}), 403, "forbidden")
    assert len(owner.get("/users", params={"customer": "C03az79cb"}).json()["users"]) == 12
    assert len(owner.get("/users", params={"domain": "northwind.example"}).json()["users"]) == 12
    assert "users" not in validate(owner.get("/users", params={"domain": "northwind-studio.example"}).json(), "Users")


@pytest.mark.parametrize("query, expected", [
    ("email:ben*", ["ben.okafor@northwind.example"]),
    ("email:Ana.Lima@northwind.example", ["ana.lima@northwind.example"]),
    ("isSuspended=true", ["emma.wright@northwind.example", "farid.haddad@northwind.example"]),
    ("isAdmin=true", [OWNER]),
    ("isSuspended=false email:h*", ["helpdesk@northwind.example", "henry.novak@northwind.example"]),
    ("givenName:'Iris'", ["iris.chen@northwind.example"]),
    ("familyName:k*", ["grace.kim@northwind.example"]),
])
def test_query_filters(owner, query, expected):
    answer = validate(owner.get("/users", params={"customer": "my_customer", "query": query}).json(), "Users")
    assert emails(answer) == expected


def test_an_unknown_query_or_order_is_400(owner):
    listing = {"customer": "my_customer"}
    assert_google_error(owner.get("/users", params={**listing, "query": "shoeSize=9"}), 400, "invalid", "shoeSize")
    assert_google_error(owner.get("/users", params={**listing, "orderBy": "age"}), 400, "invalid", "orderBy")
    assert_google_error(owner.get("/users", params={**listing, "sortOrder": "UP"}), 400, "invalid", "sortOrder")
    assert_google_error(owner.get("/users", params={**listing, "maxResults": 501}), 400, "invalid", "[1, 500]")
    assert_google_error(owner.get("/users", params={**listing, "pageToken": "garbage"}), 400, "invalid", "pageToken")


def test_a_new_user_reads_as_404_until_the_directory_settles(owner, sandbox, frozen):
    created = owner.post("/users", json=NEW_USER).json()  # the default window: 3 seconds
    assert_google_error(owner.get(f"/users/{created['id']}"), 404, "notFound", "userKey")
    assert_google_error(owner.post("/groups/team@northwind.example/members", json={"email": NEW_USER["primaryEmail"]}),
                        404, "notFound", "memberKey")
    frozen(2.5)
    assert owner.get(f"/users/{NEW_USER['primaryEmail']}").status_code == 404
    frozen(0.5)
    assert validate(owner.get(f"/users/{created['id']}").json(), "User")["id"] == created["id"]
    added = owner.post("/groups/team@northwind.example/members", json={"email": NEW_USER["primaryEmail"]})
    assert added.status_code == 200

    sandbox.control("workspace-new-user-delay", seconds=30)
    later = owner.post("/users", json={**NEW_USER, "primaryEmail": "second.hire@northwind.example"}).json()
    frozen(29)
    assert owner.get(f"/users/{later['id']}").status_code == 404
    frozen(1)
    assert owner.get(f"/users/{later['id']}").status_code == 200
