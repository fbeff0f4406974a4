"""The resources as Google answers them (admin.directory_v1.json: User, Group, Member, Domains).
A password is never answered; etags change with every write."""

import hashlib
from datetime import datetime

from hubwire.sandbox.google_workspace.models import DirectoryUser, Domain, Group, Member

NEVER_SIGNED_IN = "1970-01-01T00:00:00.000Z"  # lastLoginTime of a user who never signed in (providers.md §5)


def timestamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z") if moment else NEVER_SIGNED_IN


def etag(*parts) -> str:
    """Google's etags are quoted opaque strings."""
    return '"' + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:27] + '"'


def _listing(kind: str, key: str, items: list[dict], next_token: str) -> dict:
    """A list answer: Google leaves the items' key out when there are none, and nextPageToken on the last page."""
    answer = {"kind": kind, "etag": etag(kind, *(item["etag"] for item in items))}
    return answer | ({key: items} if items else {}) | ({"nextPageToken": next_token} if next_token else {})


def user_resource(user: DirectoryUser) -> dict:
    body = {
        "kind": "admin#directory#user", "id": user.user_id, "etag": etag("user", user.user_id, user.version),
        "primaryEmail": user.primary_email,
        "name": {"givenName": user.given_name, "familyName": user.family_name,
                 "fullName": f"{user.given_name} {user.family_name}"},
        "isAdmin": user.is_admin, "isDelegatedAdmin": user.is_delegated_admin,
        "lastLoginTime": timestamp(user.last_login_at), "creationTime": timestamp(user.created_at),
        "agreedToTerms": user.last_login_at is not None, "suspended": user.suspended, "archived": user.archived,
        "changePasswordAtNextLogin": user.change_password_at_next_login, "ipWhitelisted": False,
        "emails": [{"address": user.primary_email, "primary": True}] + [{"address": a} for a in user.aliases],
        "customerId": user.customer.customer_id, "orgUnitPath": user.org_unit_path,
        "isMailboxSetup": user.last_login_at is not None, "isEnrolledIn2Sv": user.enrolled_in_2sv,
        "isEnforcedIn2Sv": False, "includeInGlobalAddressList": user.extra.get("includeInGlobalAddressList", True),
    }
    if user.suspended and user.suspension_reason:
        body["suspensionReason"] = user.suspension_reason
    if user.aliases:
        body["aliases"] = list(user.aliases)
    return body | {k: v for k, v in user.extra.items() if k not in body}


# What viewType=domain_public shows of a user besides its id and name: what anyone in the domain may
# read in the directory [U: Google lists no field set; these are the contact fields it shows].
PUBLIC_EXTRA = ("phones", "addresses", "organizations", "relations", "externalIds", "websites", "locations")


def public_user_resource(user: DirectoryUser) -> dict:
    """The user as viewType=domain_public shows it: no admin-only field (status, admin, sign-ins)."""
    body = {"kind": "admin#directory#user", "id": user.user_id, "etag": etag("user", user.user_id, user.version),
            "primaryEmail": user.primary_email,
            "name": {"givenName": user.given_name, "familyName": user.family_name,
                     "fullName": f"{user.given_name} {user.family_name}"},
            "emails": [{"address": user.primary_email, "primary": True}] + [{"address": a} for a in user.aliases]}
    return body | {k: user.extra[k] for k in PUBLIC_EXTRA if k in user.extra}


def users_page(users: list[DirectoryUser], next_token: str, *, public: bool = False) -> dict:
    shape = public_user_resource if public else user_resource
    return _listing("admin#directory#users", "users", [shape(u) for u in users], next_token)


def group_resource(group: Group) -> dict:
    return {"kind": "admin#directory#group", "id": group.group_id, "etag": etag("group", group.group_id, group.version),
            "email": group.email, "name": group.name, "description": group.description,
            "directMembersCount": str(group.direct_members_count), "adminCreated": group.admin_created}


def groups_page(groups: list[Group], next_token: str) -> dict:
    return _listing("admin#directory#groups", "groups", [group_resource(g) for g in groups], next_token)


def member_status(member: Member) -> str:
    if member.kind == Member.USER and member.user.suspended:
        return "SUSPENDED"
    return "ACTIVE"


def member_resource(member: Member) -> dict:
    return {"kind": "admin#directory#member", "etag": etag("member", member.pk, member.version),
            "id": member.member_id, "email": member.email, "role": member.role, "type": member.kind,
            "status": member_status(member)}


def members_page(members: list[Member], next_token: str) -> dict:
    return _listing("admin#directory#members", "members", [member_resource(m) for m in members], next_token)


def domain_resource(domain: Domain) -> dict:
    return {"kind": "admin#directory#domain", "etag": etag("domain", domain.name, domain.verified),
            "domainName": domain.name, "verified": domain.verified, "isPrimary": domain.is_primary,
            "creationTime": str(int(domain.created_at.timestamp() * 1000))}
