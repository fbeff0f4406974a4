"""members.list, get, insert, patch, update, delete and hasMember at
admin.googleapis.com/admin/directory/v1/groups/{groupKey}/members (providers.md §5 "Members"). A
member is a user of the customer (type USER), one of its groups (GROUP), or an address on no domain
of the customer (EXTERNAL); an address on one of its domains that is no user or group is not found."""

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse

from hubwire.sandbox.google_workspace import paging
from hubwire.sandbox.google_workspace.access import Caller, body_of, directory
from hubwire.sandbox.google_workspace.errors import DirectoryError, invalid, not_found, required
from hubwire.sandbox.google_workspace.groups import find_group
from hubwire.sandbox.google_workspace.models import DirectoryUser, Domain, Group, Member
from hubwire.sandbox.google_workspace.resources import member_resource, members_page
from hubwire.sandbox.google_workspace.user_body import EMAIL
from hubwire.sandbox.google_workspace.users import visible

MOST_PAGE = 200  # members.list maxResults: "Max allowed value is 200" (admin.directory_v1.json)
DUPLICATE = "Member already exists."
NESTING_MOST = 10  # hasMember follows groups within groups this deep


def find_member(group: Group, key: str) -> Member:
    key = key.strip().lower()
    members = Member.objects.filter(group=group).select_related("user")
    member = members.filter(email=key).first() if "@" in key else members.filter(member_id=key).first()
    if member is None:
        raise not_found("memberKey")
    return member


def _role(body: dict, current: str = "MEMBER") -> str:
    role = body.get("role", current)
    if role not in Member.ROLES:
        raise invalid(f"Invalid Input: role {role!r} (OWNER, MANAGER or MEMBER)")
    return role


def _new_member(caller: Caller, group: Group, body: dict) -> Member:
    """Who `body` names, as a Member row not yet saved."""
    value = body.get("email")
    if not isinstance(value, str) or not value.strip():
        raise required("email")
    email = value.strip().lower()
    if not EMAIL.match(email):
        raise invalid("Invalid Input: memberKey")
    member = Member(group=group, email=email, role=_role(body))
    user = DirectoryUser.objects.filter(customer=caller.customer, primary_email=email) \
        .select_related("customer").first()
    if user is not None:
        if not visible(user):  # inserted a moment ago: not readable yet
            raise not_found("memberKey")
        member.kind, member.member_id, member.user = Member.USER, user.user_id, user
        return member
    nested = Group.objects.filter(customer=caller.customer, email=email).first()
    if nested is not None:
        if nested.pk == group.pk:
            raise invalid("Invalid Input: a group cannot be a member of itself")
        member.kind, member.member_id, member.member_group = Member.GROUP, nested.group_id, nested
        return member
    if Domain.objects.filter(customer=caller.customer, name=email.partition("@")[2]).exists():
        raise not_found("memberKey")
    member.kind, member.member_id = Member.EXTERNAL, str(10 ** 20 + secrets.randbelow(9 * 10 ** 20))
    return member


@directory("GET POST", r"/groups/(?P<group_key>[^/]+)/members", "members")
def members_collection(request, caller: Caller, group_key: str):
    group = find_group(caller, group_key)
    if request.method == "POST":
        member = _new_member(caller, group, body_of(request))
        if Member.objects.filter(group=group, email=member.email).exists():
            raise DirectoryError(409, DUPLICATE, "duplicate")
        try:
            with transaction.atomic(using="sandbox"):
                member.save()
                Group.objects.filter(pk=group.pk).update(direct_members_count=F("direct_members_count") + 1,
                                                         version=F("version") + 1)
        except IntegrityError:  # added by another request at the same moment
            raise DirectoryError(409, DUPLICATE, "duplicate") from None
        return JsonResponse(member_resource(member))
    rows = Member.objects.filter(group=group).select_related("user")
    if request.GET.get("roles"):
        roles = [r.strip().upper() for r in request.GET["roles"].split(",")]
        if not set(roles) <= set(Member.ROLES):
            raise invalid(f"Invalid Input: roles {request.GET['roles']!r} (OWNER, MANAGER, MEMBER)")
        rows = rows.filter(role__in=roles)
    size = paging.max_results(request, MOST_PAGE, MOST_PAGE)
    shown, token = paging.page(request, rows, field="email", descending=False, size=size)
    return JsonResponse(members_page(shown, token))


@directory("GET PATCH PUT DELETE", r"/groups/(?P<group_key>[^/]+)/members/(?P<member_key>[^/]+)", "members")
def member_item(request, caller: Caller, group_key: str, member_key: str):
    group = find_group(caller, group_key)
    member = find_member(group, member_key)
    if request.method == "GET":
        return JsonResponse(member_resource(member))
    if request.method == "DELETE":
        with transaction.atomic(using="sandbox"):
            member.delete()
            Group.objects.filter(pk=group.pk).update(direct_members_count=F("direct_members_count") - 1,
                                                     version=F("version") + 1)
        return HttpResponse(status=204)
    body = body_of(request)
    unknown = sorted(set(body) - {"role", "email", "id", "kind", "etag", "type", "status", "delivery_settings"})
    if unknown:
        raise invalid(f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.')
    member.role = _role(body, member.role)
    member.version += 1
    member.save(update_fields=["role", "version"])
    return JsonResponse(member_resource(member))


@directory("GET", r"/groups/(?P<group_key>[^/]+)/hasMember/(?P<member_key>[^/]+)", "members")
def has_member(request, caller: Caller, group_key: str, member_key: str):
    """Direct or through groups within the group, as Google's hasMember answers."""
    group = find_group(caller, group_key)
    key = member_key.strip().lower()
    user = DirectoryUser.objects.filter(customer=caller.customer).filter(
        **({"primary_email": key} if "@" in key else {"user_id": key})).first()
    if user is None and not Group.objects.filter(customer=caller.customer).filter(
            **({"email": key} if "@" in key else {"group_id": key})).exists():
        raise not_found("memberKey")
    column = "email" if "@" in key else "member_id"
    groups, seen = {group.pk}, set()
    for _ in range(NESTING_MOST):
        if Member.objects.filter(group_id__in=groups, **{column: key}).exists():
            return JsonResponse({"isMember": True})
        seen |= groups
        groups = set(Member.objects.filter(group_id__in=groups, kind=Member.GROUP)
                     .values_list("member_group_id", flat=True)) - seen
        if not groups:
            break
    return JsonResponse({"isMember": False})
