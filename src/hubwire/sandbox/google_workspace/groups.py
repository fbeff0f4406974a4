"""groups.list, get, insert, patch, update and delete at admin.googleapis.com/admin/directory/v1/groups
(providers.md §5 "Groups"). directMembersCount is kept with every member added or removed."""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpResponse, JsonResponse

from hubwire.sandbox.google_workspace import paging
from hubwire.sandbox.google_workspace.access import Caller, body_of, directory
from hubwire.sandbox.google_workspace.errors import DirectoryError, forbidden, invalid, not_found, required
from hubwire.sandbox.google_workspace.models import DirectoryUser, Domain, Group, Member, delete_leaving_groups
from hubwire.sandbox.google_workspace.resources import group_resource, groups_page
from hubwire.sandbox.google_workspace.seed import new_group_id
from hubwire.sandbox.google_workspace.user_body import EMAIL
from hubwire.sandbox.google_workspace.users import find_user, scope_of_list

MOST_PAGE = 200  # groups.list maxResults: "Max allowed value is 200" (admin.directory_v1.json)
NAME_MOST = 75   # [U] the Admin console's limit on a group's name
DESCRIPTION_MOST = 4096  # groups resource: description "Maximum length is 4,096 characters"
DUPLICATE = "Entity already exists."


def find_group(caller: Caller, key: str) -> Group:
    """The customer's group by email or id; 404 (groupKey) when there is none."""
    groups = Group.objects.filter(customer=caller.customer)
    key = key.strip().lower()
    group = groups.filter(email=key).first() if "@" in key else groups.filter(group_id=key).first()
    if group is None:
        raise not_found("groupKey")
    return group


def _email(caller: Caller, value, group: Group | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise required("email")
    email = value.strip().lower()
    if not EMAIL.match(email):
        raise invalid("Invalid Input: email")
    domain = Domain.objects.filter(customer=caller.customer, name=email.partition("@")[2]).first()
    if domain is None or not domain.verified:
        raise forbidden()
    if Group.objects.filter(email=email).exclude(pk=getattr(group, "pk", None)).exists() or \
            DirectoryUser.objects.filter(primary_email=email).exists():
        raise DirectoryError(409, DUPLICATE, "duplicate")
    return email


def _text(body: dict, field: str, most: int, current: str) -> str:
    value = body.get(field, current)
    if not isinstance(value, str) or len(value) > most:
        raise invalid(f"Invalid Input: {field} (text of at most {most} characters)")
    return value


def _apply(caller: Caller, body: dict, group: Group | None) -> Group:
    unknown = sorted(set(body) - {"email", "name", "description", "kind", "id", "etag", "directMembersCount",
                                  "adminCreated", "aliases", "nonEditableAliases"})
    if unknown:
        raise invalid(f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.')
    creating = group is None
    email = _email(caller, body.get("email"), group) if creating or "email" in body and \
        str(body["email"]).strip().lower() != group.email else group.email
    name = _text(body, "name", NAME_MOST, getattr(group, "name", ""))
    description = _text(body, "description", DESCRIPTION_MOST, getattr(group, "description", ""))
    if creating:
        group = Group(customer=caller.customer, group_id=new_group_id())
    else:
        group.version += 1
    group.email, group.domain, group.name, group.description = email, email.partition("@")[2], name, description
    return group


def _save(group: Group) -> None:
    try:
        with transaction.atomic(using="sandbox"):
            group.save()
            Member.objects.filter(member_group=group).update(email=group.email, version=F("version") + 1)
    except IntegrityError:
        raise DirectoryError(409, DUPLICATE, "duplicate") from None


@directory("GET POST", r"/groups", "groups")
def groups_collection(request, caller: Caller):
    if request.method == "POST":
        group = _apply(caller, body_of(request), None)
        _save(group)
        return JsonResponse(group_resource(group))
    if request.GET.get("userKey"):
        if request.GET.get("customer"):
            raise invalid("Invalid Input: userKey cannot be used with customer")
        user = find_user(caller, request.GET["userKey"])
        where = Q(pk__in=Member.objects.filter(user=user).values("group_id"))
    else:
        where = scope_of_list(caller, request)
    if request.GET.get("orderBy", "email") != "email":
        raise invalid(f"Invalid value for: orderBy: {request.GET['orderBy']!r} (email)")
    sort = request.GET.get("sortOrder", "ASCENDING")
    if sort not in ("ASCENDING", "DESCENDING"):
        raise invalid(f"Invalid value for: sortOrder: {sort!r} (ASCENDING or DESCENDING)")
    rows = Group.objects.filter(where, customer=caller.customer)
    if request.GET.get("query"):
        rows = rows.filter(_query(request.GET["query"]))
    size = paging.max_results(request, MOST_PAGE, MOST_PAGE)
    shown, token = paging.page(request, rows, field="email", descending=sort == "DESCENDING", size=size)
    return JsonResponse(groups_page(shown, token))


def _query(text: str) -> Q:
    """groups.list's `query`: email:sales* or name:'Sales team' (prefix with a trailing *)."""
    where = Q()
    for clause in text.split():
        field, _, value = clause.partition(":")
        value = value.strip("'\"").lower()
        if field not in ("email", "name") or not value:
            raise invalid(f"Invalid Input: query clause {clause!r}")
        column = "email" if field == "email" else "name__iexact"
        where &= Q(**{("email" if field == "email" else "name") + "__istartswith": value[:-1]}) \
            if value.endswith("*") else Q(**{column: value})
    return where


@directory("GET PATCH PUT DELETE", r"/groups/(?P<group_key>[^/]+)", "groups")
def group_item(request, caller: Caller, group_key: str):
    group = find_group(caller, group_key)
    if request.method == "GET":
        return JsonResponse(group_resource(group))
    if request.method == "DELETE":
        delete_leaving_groups(group)
        return HttpResponse(status=204)
    group = _apply(caller, body_of(request), group)
    _save(group)
    return JsonResponse(group_resource(group))
