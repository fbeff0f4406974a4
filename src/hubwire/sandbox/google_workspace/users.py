"""users.list, get, insert, patch, update (PUT), delete (restorable for 20 days: deleted.py) and makeAdmin at
admin.googleapis.com/admin/directory/v1/users (providers.md §5). A user inserted a moment ago is not
found yet (users.get, members.insert) for HUBWIRE_SANDBOX_WORKSPACE_NEW_USER_DELAY_SECONDS of the
sandbox clock, as Google's directory is eventually consistent."""

import shlex
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpResponse, JsonResponse

from hubwire.core.number_settings import number_setting
from hubwire.sandbox import clock
from hubwire.sandbox.google_workspace import paging, user_body
from hubwire.sandbox.google_workspace.access import DOMAIN_PUBLIC, Caller, body_of, check_customer, directory
from hubwire.sandbox.google_workspace.deleted import deleted_listing, keep
from hubwire.sandbox.google_workspace.errors import DirectoryError, forbidden, invalid, not_found
from hubwire.sandbox.google_workspace.models import DirectoryUser, Domain, Member, delete_leaving_groups
from hubwire.sandbox.google_workspace.resources import public_user_resource, user_resource, users_page
from hubwire.sandbox.google_workspace.seed import new_user_id

DEFAULT_PAGE, MOST_PAGE = 100, 500  # users.list maxResults: "default 100, max 500" (providers.md §5)
ORDER_FIELDS = {"email": "primary_email", "familyName": "family_key", "givenName": "given_key"}
DEFAULT_NEW_USER_DELAY = 3.0  # [U] Google publishes no figure; a few seconds is what clients report
# The boolean fields users.list's query takes (developers.google.com/admin-sdk/directory/v1/guides/search-users).
FLAG_FIELDS = {"isSuspended": "suspended", "isArchived": "archived", "isAdmin": "is_admin",
               "isEnrolledIn2Sv": "enrolled_in_2sv"}
TEXT_FIELDS = {"email": "primary_email", "givenName": "given_key", "familyName": "family_key"}


def new_user_delay(customer) -> timedelta:
    seconds = customer.new_user_delay_seconds
    if seconds is None:
        seconds = number_setting("HUBWIRE_SANDBOX_WORKSPACE_NEW_USER_DELAY_SECONDS", DEFAULT_NEW_USER_DELAY,
                                 zero_allowed=True)
    return timedelta(seconds=seconds)


def visible(user: DirectoryUser) -> bool:
    """Whether a read finds the user yet (eventual consistency of a new one)."""
    return clock.now() - user.created_at >= new_user_delay(user.customer)


def find_user(caller: Caller, key: str, *, settled: bool = False) -> DirectoryUser:
    """The customer's user by primary email, alias or id; 404 (userKey) when there is none, or, with
    `settled`, while a new one is not readable yet."""
    users = DirectoryUser.objects.filter(customer=caller.customer).select_related("customer")
    key = key.strip()
    if "@" in key:
        user = users.filter(primary_email=key.lower()).first() or \
            users.filter(aliases__icontains=f'"{key.lower()}"').first()
    else:
        user = users.filter(user_id=key).first()
    if user is None or (settled and not visible(user)):
        raise not_found("userKey")
    return user


def _query(text: str) -> Q:
    """users.list's `query`: clauses such as email:jo* givenName:'Ana' isSuspended=false isAdmin=true."""
    try:
        clauses = shlex.split(text)
    except ValueError:
        raise invalid("Invalid Input: query") from None
    where = Q()
    for clause in clauses:
        field, operator, value = next(((clause[:i], clause[i], clause[i + 1:]) for i, c in enumerate(clause)
                                       if c in ":="), (clause, "", ""))
        if field in FLAG_FIELDS and operator == "=" and value.lower() in ("true", "false"):
            where &= Q(**{FLAG_FIELDS[field]: value.lower() == "true"})
        elif field in TEXT_FIELDS and operator and value:
            column, value = TEXT_FIELDS[field], value.lower()
            where &= Q(**{f"{column}__startswith": value[:-1]}) if operator == ":" and value.endswith("*") \
                else Q(**{column: value})
        elif field == "orgUnitPath" and operator == "=" and value:
            where &= Q(org_unit_path=value)
        else:
            raise invalid(f"Invalid Input: query clause {clause!r}")
    return where


def public_view(request) -> bool:
    """Whether the request asks for viewType=domain_public (400 for a view Google does not have)."""
    view = request.GET.get("viewType", "admin_view")
    if view not in ("admin_view", DOMAIN_PUBLIC):
        raise invalid(f"Invalid value for: viewType: {view!r} (admin_view or domain_public)")
    return view == DOMAIN_PUBLIC


def in_public_view(caller: Caller) -> Q:
    """The users the public view shows a caller: those in the Global Address List, unless the caller
    administers users [U: Google says such users are hidden from the directory]."""
    if caller.user.may("users"):
        return Q()
    return ~Q(extra__has_key="includeInGlobalAddressList") | Q(extra__includeInGlobalAddressList=True)


def scope_of_list(caller: Caller, request) -> Q:
    """customer= or domain= (one is required, as Google requires it), each only the caller's own."""
    customer, domain = request.GET.get("customer", ""), request.GET.get("domain", "").lower()
    if not customer and not domain:
        raise DirectoryError(400, "Bad Request", "badRequest")
    if customer:
        check_customer(caller.customer, customer)
    if domain:
        if not Domain.objects.filter(customer=caller.customer, name=domain).exists():
            raise forbidden()
        return Q(domain=domain)
    return Q()


@directory("GET POST", r"/users", "users")
def users_collection(request, caller: Caller):
    if request.method == "POST":
        return users_insert(request, caller)
    public = public_view(request)
    by_customer_or_deleted = request.GET.get("customer") or request.GET.get("showDeleted") == "true"
    if public and not caller.user.may("users") and by_customer_or_deleted:
        raise forbidden()  # a user who is not an admin lists the public view by domain= only (providers.md §5)
    where = scope_of_list(caller, request)
    order = request.GET.get("orderBy", "email")
    sort = request.GET.get("sortOrder", "ASCENDING")
    if order not in ORDER_FIELDS:
        raise invalid(f"Invalid value for: orderBy: {order!r} (email, familyName or givenName)")
    if sort not in ("ASCENDING", "DESCENDING"):
        raise invalid(f"Invalid value for: sortOrder: {sort!r} (ASCENDING or DESCENDING)")
    size = paging.max_results(request, DEFAULT_PAGE, MOST_PAGE)
    if request.GET.get("showDeleted") == "true":
        return deleted_listing(request, caller, size)
    rows = DirectoryUser.objects.filter(where, customer=caller.customer).select_related("customer")
    if public:
        rows = rows.filter(in_public_view(caller))
    if request.GET.get("query"):
        rows = rows.filter(_query(request.GET["query"]))
    shown, token = paging.page(request, rows, field=ORDER_FIELDS[order], descending=sort == "DESCENDING", size=size)
    return JsonResponse(users_page(shown, token, public=public))


def users_insert(request, caller: Caller):
    body = body_of(request)
    user = user_body.apply(caller.customer, body, None)
    user.user_id, user.created_at = new_user_id(), clock.now()
    try:
        with transaction.atomic(using="sandbox"):
            user.save()
    except IntegrityError:  # the same address inserted at the same moment
        raise DirectoryError(409, "Entity already exists.", "duplicate") from None
    return JsonResponse(user_resource(user))


@directory("GET PATCH PUT DELETE", r"/users/(?P<user_key>[^/]+)", "users")
def user_item(request, caller: Caller, user_key: str):
    if request.method == "GET":
        user = find_user(caller, user_key, settled=True)
        if not public_view(request):
            return JsonResponse(user_resource(user))
        if not DirectoryUser.objects.filter(in_public_view(caller), pk=user.pk).exists():
            raise not_found("userKey")
        return JsonResponse(public_user_resource(user))
    user = find_user(caller, user_key)
    if request.method == "DELETE":
        with transaction.atomic(using="sandbox"):
            keep(user)  # restorable for 20 days (deleted.py)
            delete_leaving_groups(user)
        return HttpResponse(status=204)
    body = body_of(request)
    user = user_body.apply(caller.customer, body, user)
    user.version += 1
    try:
        with transaction.atomic(using="sandbox"):
            user.save()
            Member.objects.filter(user=user).update(email=user.primary_email, version=F("version") + 1)
    except IntegrityError:
        raise DirectoryError(409, "Entity already exists.", "duplicate") from None
    return JsonResponse(user_resource(user))


@directory("POST", r"/users/(?P<user_key>[^/]+)/makeAdmin", "users")
def make_admin(request, caller: Caller, user_key: str):
    if not caller.user.is_admin:  # only a super admin makes another
        raise forbidden()
    user = find_user(caller, user_key)
    status = body_of(request).get("status")
    if not isinstance(status, bool):
        raise DirectoryError(400, "Invalid Input: status is required (true or false)", "required")
    DirectoryUser.objects.filter(pk=user.pk).update(is_admin=status, version=F("version") + 1)
    return HttpResponse(status=204)
