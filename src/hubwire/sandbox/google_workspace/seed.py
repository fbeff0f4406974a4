"""The sandbox's one Workspace customer and its sample data, made whenever the tables are empty (the
first request after a start or a `reset`), and the bulk seeding a test or a benchmark asks for
(workspace-seed): thousands of users and groups in one bulk insert each."""

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction

from hubwire.sandbox import clock
from hubwire.sandbox.google_workspace.models import Customer, DirectoryUser, Domain, Group, Member

CUSTOMER_ID = "C03az79cb"
PRIMARY_DOMAIN = "northwind.example"
UNVERIFIED_DOMAIN = "northwind-studio.example"

# The personas a person picks on the Google consent page (personas.py), and what each may do.
OWNER = f"owner@{PRIMARY_DOMAIN}"          # super admin
HELPDESK = f"helpdesk@{PRIMARY_DOMAIN}"    # delegated admin: groups only
STAFF = f"staff@{PRIMARY_DOMAIN}"          # no admin role

# (local part, given name, family name, what is special about them)
SAMPLE_USERS = [
    ("owner", "Morgan", "Reyes", {"is_admin": True, "enrolled_in_2sv": True}),
    ("helpdesk", "Harper", "Quinn", {"admin_privileges": "groups", "enrolled_in_2sv": True}),
    ("staff", "Sam", "Taylor", {}),
    ("ana.lima", "Ana", "Lima", {"enrolled_in_2sv": True}),
    ("ben.okafor", "Ben", "Okafor", {}),
    ("chloe.martin", "Chloe", "Martin", {"enrolled_in_2sv": True}),
    ("diego.santos", "Diego", "Santos", {}),
    ("emma.wright", "Emma", "Wright", {"suspended": True, "suspension_reason": "ADMIN"}),
    ("farid.haddad", "Farid", "Haddad", {"suspended": True, "suspension_reason": "WEB_LOGIN_REQUIRED"}),
    ("grace.kim", "Grace", "Kim", {"archived": True}),
    ("henry.novak", "Henry", "Novak", {"last_login_at": None, "change_password_at_next_login": True}),
    ("iris.chen", "Iris", "Chen", {"enrolled_in_2sv": True}),
]
# (local part, name, description, [(member local part, role)])
SAMPLE_GROUPS = [
    ("team", "Northwind team", "Everyone at Northwind.",
     [("owner", "OWNER"), ("helpdesk", "MANAGER"), ("staff", "MEMBER"), ("ana.lima", "MEMBER"),
      ("ben.okafor", "MEMBER"), ("chloe.martin", "MEMBER")]),
    ("design", "Design", "The design studio.", [("chloe.martin", "OWNER"), ("diego.santos", "MEMBER"),
                                               ("iris.chen", "MEMBER")]),
]


def new_user_id() -> str:
    """Google's user ids are 21-digit numbers."""
    return str(10 ** 20 + secrets.randbelow(9 * 10 ** 20))


def sample_user_id(email: str) -> str:
    """A sample user keeps its id across resets, so a link made before a reset still finds it."""
    return str(10 ** 20 + int(hashlib.sha256(email.encode()).hexdigest(), 16) % (9 * 10 ** 20))


def new_group_id() -> str:
    """Google's group ids look like 03x8tuzt1abcd12: 15 lower-case letters and digits."""
    return "0" + "".join(secrets.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(14))


def user_row(customer: Customer, email: str, given: str, family: str, user_id: str, **fields) -> DirectoryUser:
    now = clock.now()
    defaults = {"last_login_at": now - timedelta(hours=3), "created_at": now - timedelta(days=200)}
    return DirectoryUser(customer=customer, user_id=user_id, primary_email=email, domain=email.partition("@")[2],
                         given_name=given, family_name=family, given_key=given.lower(), family_key=family.lower(),
                         **(defaults | fields))


def ensure_seeded() -> Customer:
    """The customer, seeded with the sample data first if the tables are empty."""
    customer = Customer.objects.filter(customer_id=CUSTOMER_ID).first()
    if customer is not None:
        return customer
    try:
        with transaction.atomic(using="sandbox"):
            return _seed()
    except IntegrityError:  # another request seeded it at the same moment
        return Customer.objects.get(customer_id=CUSTOMER_ID)


def _seed() -> Customer:
    now = clock.now()
    customer = Customer.objects.create(customer_id=CUSTOMER_ID, created_at=now - timedelta(days=400))
    Domain.objects.bulk_create([
        Domain(customer=customer, name=PRIMARY_DOMAIN, verified=True, is_primary=True, created_at=customer.created_at),
        Domain(customer=customer, name=UNVERIFIED_DOMAIN, verified=False, created_at=now - timedelta(days=10))])
    users = {}
    for local, given, family, fields in SAMPLE_USERS:
        email = f"{local}@{PRIMARY_DOMAIN}"
        users[local] = user_row(customer, email, given, family, sample_user_id(email), **fields)
    DirectoryUser.objects.bulk_create(users.values())
    users = {u.primary_email.partition("@")[0]: u for u in DirectoryUser.objects.filter(customer=customer)}
    for local, name, description, members in SAMPLE_GROUPS:
        group = Group.objects.create(customer=customer, group_id=sample_user_id("group:" + local)[:15],
                                     email=f"{local}@{PRIMARY_DOMAIN}", domain=PRIMARY_DOMAIN, name=name,
                                     description=description, direct_members_count=len(members))
        Member.objects.bulk_create([Member(group=group, email=users[m].primary_email, member_id=users[m].user_id,
                                           kind=Member.USER, role=role, user=users[m]) for m, role in members])
    return customer


def _next_number(model, field: str, prefix: str, width: int) -> int:
    """One past the highest <prefix>NNN@ already there (zero-padded, so the highest sorts last)."""
    last = model.objects.filter(**{f"{field}__startswith": prefix, f"{field}__endswith": "@" + PRIMARY_DOMAIN}) \
        .order_by(f"-{field}").values_list(field, flat=True).first()
    digits = (last or "").partition("@")[0][len(prefix):]
    return int(digits) + 1 if len(digits) == width and digits.isdigit() else 1


def bulk_seed(*, users: int, groups: int, members_per_group: int) -> dict:
    """users, groups: how many more to add (user00001@…, group0001@…); each new group gets
    members_per_group of the users added now (or of every user, when none are added)."""
    if min(users, groups, members_per_group) < 0:
        raise ValueError("users, groups and members_per_group must be 0 or more")
    customer = ensure_seeded()
    created_at = clock.now() - timedelta(days=30)
    with transaction.atomic(using="sandbox"):
        first = _next_number(DirectoryUser, "primary_email", "user", 5)
        new_users = [user_row(customer, f"user{n:05d}@{PRIMARY_DOMAIN}", f"Given{n:05d}", f"Family{n:05d}",
                              new_user_id(), created_at=created_at, enrolled_in_2sv=n % 3 == 0)
                     for n in range(first, first + users)]
        DirectoryUser.objects.bulk_create(new_users, batch_size=500)
        pool = list(DirectoryUser.objects.filter(primary_email__in=[u.primary_email for u in new_users])
                    .values_list("pk", "primary_email", "user_id")) if users else \
            list(DirectoryUser.objects.filter(customer=customer).values_list("pk", "primary_email", "user_id"))
        count = min(members_per_group, len(pool))
        first = _next_number(Group, "email", "group", 4)
        new_groups = [Group(customer=customer, group_id=new_group_id(), email=f"group{n:04d}@{PRIMARY_DOMAIN}",
                            domain=PRIMARY_DOMAIN, name=f"Group {n:04d}", direct_members_count=count)
                      for n in range(first, first + groups)]
        Group.objects.bulk_create(new_groups, batch_size=500)
        made = Group.objects.filter(email__in=[g.email for g in new_groups]).order_by("email") \
            .values_list("pk", flat=True)
        Member.objects.bulk_create(
            [Member(group_id=group_pk, email=pool[(i * count + j) % len(pool)][1],
                    member_id=pool[(i * count + j) % len(pool)][2], kind=Member.USER,
                    user_id=pool[(i * count + j) % len(pool)][0])
             for i, group_pk in enumerate(made) for j in range(count)], batch_size=500)
    return {"users": DirectoryUser.objects.filter(customer=customer).count(),
            "groups": Group.objects.filter(customer=customer).count()}
