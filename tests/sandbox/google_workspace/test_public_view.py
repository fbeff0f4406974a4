"""The public view of the sandbox Directory's users (viewType=domain_public) over real HTTP, every
answer checked against the discovery document: any user of the Workspace may list it by domain=
and read one user through it, with no admin-only field; users left out of the Global Address List
are not in it for them; an admin view, a customer= list or deleted users stay admin-only."""

from tests.conftest import SANDBOX_DB
from tests.sandbox.google_workspace.conftest import NEW_USER, STAFF, assert_google_error, directory_client
from tests.sandbox.google_workspace.schema import validate

pytestmark = SANDBOX_DB
PUBLIC = {"viewType": "domain_public", "domain": "northwind.example"}
OWNER_ADDRESS = "owner@northwind.example"
ADMIN_ONLY = {"isAdmin", "isDelegatedAdmin", "suspended", "archived", "lastLoginTime", "creationTime",
              "changePasswordAtNextLogin", "isEnrolledIn2Sv", "customerId", "orgUnitPath", "agreedToTerms"}


def test_a_plain_user_lists_the_domains_public_view_with_no_admin_only_field(sandbox, owner):
    staff = directory_client(sandbox, STAFF)
    assert_google_error(staff.get("/users", params={"customer": "my_customer"}), 403, "forbidden")
    answer = validate(staff.get("/users", params=PUBLIC).json(), "Users", public=True)
    admin_view = owner.get("/users", params={"domain": "northwind.example"}).json()
    assert [u["primaryEmail"] for u in answer["users"]] == [u["primaryEmail"] for u in admin_view["users"]]
    assert all(not ADMIN_ONLY & set(user) for user in answer["users"])
    ada = next(u for u in answer["users"] if u["primaryEmail"] == OWNER_ADDRESS)
    assert ada["name"]["fullName"] and ada["emails"][0] == {"address": OWNER_ADDRESS, "primary": True}

    one = validate(staff.get(f"/users/{OWNER_ADDRESS}", params={"viewType": "domain_public"}).json(), "User",
                   public=True)
    assert one["id"] == ada["id"] and not ADMIN_ONLY & set(one)
    assert_google_error(staff.get(f"/users/{OWNER_ADDRESS}"), 403, "forbidden")  # the admin view


def test_a_user_left_out_of_the_address_list_is_hidden_from_plain_users_not_from_admins(sandbox, owner):
    sandbox.control("workspace-new-user-delay", seconds=0)
    hidden = owner.post("/users", json={**NEW_USER, "includeInGlobalAddressList": False}).json()
    staff = directory_client(sandbox, STAFF)
    assert hidden["primaryEmail"] not in [u["primaryEmail"] for u in staff.get("/users", params=PUBLIC).json()["users"]]
    assert_google_error(staff.get(f"/users/{hidden['id']}", params={"viewType": "domain_public"}), 404, "notFound")
    assert hidden["primaryEmail"] in [u["primaryEmail"] for u in owner.get("/users", params=PUBLIC).json()["users"]]


def test_the_public_view_is_by_domain_only_for_plain_users_and_knows_its_views(sandbox, owner):
    staff = directory_client(sandbox, STAFF)
    assert_google_error(staff.get("/users", params={**PUBLIC, "customer": "my_customer"}), 403, "forbidden")
    assert_google_error(staff.get("/users", params={**PUBLIC, "showDeleted": "true"}), 403, "forbidden")
    assert_google_error(staff.get("/users", params={"viewType": "domain_public", "domain": "elsewhere.example"}),
                        403, "forbidden")
    assert_google_error(owner.get("/users", params={"customer": "my_customer", "viewType": "everyone"}), 400,
                        "invalid", "viewType")
    by_customer = validate(owner.get("/users", params={"customer": "my_customer", "viewType": "domain_public"}).json(),
                           "Users", public=True)
    assert all(not ADMIN_ONLY & set(user) for user in by_customer["users"])


def test_a_suspended_user_cannot_read_even_the_public_view(sandbox, owner):
    owner.patch(f"/users/{STAFF}", json={"suspended": True}).raise_for_status()
    assert_google_error(directory_client(sandbox, STAFF).get("/users", params=PUBLIC), 403, "forbidden")
