"""Who may call the Directory API and how every route is guarded (providers.md §5): the bearer token
of the sandbox Google OAuth, the scopes the discovery document lists for the method, the caller's
quota (throttle.py), then the caller's admin privilege. Only an admin of the Workspace reaches the
Directory: a super admin may do everything, a delegated admin what its privileges name (the
helpdesk persona: groups and their members), anyone else (a plain user, a suspended one, a Google
account in no Workspace) gets 403 forbidden, as Google answers them. The one door open to every
user of the Workspace is the public view of the users (viewType=domain_public)."""

import functools
import time
from dataclasses import dataclass

from django.http import HttpRequest

from hubwire.sandbox.google_workspace import faults, throttle
from hubwire.sandbox.google_workspace.errors import HOST, DirectoryError, forbidden
from hubwire.sandbox.google_workspace.models import Customer, DirectoryUser
from hubwire.sandbox.google_workspace.seed import ensure_seeded
from hubwire.sandbox.oauth import bearer
from hubwire.sandbox.routes import json_object, route

BASE = "/admin/directory/v1"
SCOPE = "https://www.googleapis.com/auth/admin.directory."
# The scopes the discovery document (admin.directory_v1.json) accepts for each method, by resource:
# (for reads, for writes). users.list also takes cloud-platform.
SCOPES = {
    "users": ({SCOPE + "user", SCOPE + "user.readonly", "https://www.googleapis.com/auth/cloud-platform"},
              {SCOPE + "user"}),
    "groups": ({SCOPE + "group", SCOPE + "group.readonly"}, {SCOPE + "group"}),
    "members": ({SCOPE + "group", SCOPE + "group.readonly", SCOPE + "group.member", SCOPE + "group.member.readonly"},
                {SCOPE + "group", SCOPE + "group.member"}),
    "domains": ({SCOPE + "domain", SCOPE + "domain.readonly"}, {SCOPE + "domain"}),
}
# The admin privilege each resource needs of a delegated admin (a super admin holds them all).
PRIVILEGES = {"users": "users", "groups": "groups", "members": "groups", "domains": "domains"}
MY_CUSTOMER = "my_customer"
# users.list and users.get with viewType=domain_public: any user of the Workspace may read what the
# domain's directory shows of its users (resources.public_user_resource), listing by domain= only.
DOMAIN_PUBLIC = "domain_public"


@dataclass(frozen=True)
class Caller:
    customer: Customer
    user: DirectoryUser


def find_member(email: str, customer: Customer) -> Caller:
    """A user of the Workspace who may sign in (not suspended or archived); else 403."""
    user = DirectoryUser.objects.filter(customer=customer, primary_email=email.lower()).first()
    if user is None or user.suspended or user.archived:
        raise forbidden()
    return Caller(customer, user)


def find_admin(email: str, customer: Customer, resource: str) -> Caller:
    caller = find_member(email, customer)
    if not caller.user.may(PRIVILEGES[resource]):
        raise forbidden()
    return caller


def body_of(request: HttpRequest) -> dict:
    body = json_object(request)
    if body is None:
        raise DirectoryError(400, "Invalid JSON payload received. The body is not a JSON object.", "parseError")
    return body


def check_customer(customer: Customer, given: str) -> None:
    """`customer` of a request: my_customer or the caller's own id; another customer's is forbidden."""
    if given not in (MY_CUSTOMER, customer.customer_id):
        raise forbidden()


def _guarded(request, resource: str, handler, kwargs):
    token = bearer(request, "google")
    if token is None:
        raise DirectoryError(401, "Invalid Credentials", "authError")
    read, write = SCOPES[resource]
    if not (read if request.method == "GET" else write) & set(token.scope.split()):
        raise DirectoryError(403, "Request had insufficient authentication scopes.", "insufficientPermissions")
    customer = ensure_seeded()
    email = token.subject.get("email", "").lower()
    throttle.count_request(email)
    if resource == "users" and request.method == "GET" and request.GET.get("viewType") == DOMAIN_PUBLIC:
        return handler(request, find_member(email, customer), **kwargs)  # the domain's public directory
    return handler(request, find_admin(email, customer, resource), **kwargs)


def directory(methods: str, pattern: str, resource: str):
    """A route of the Directory API: its handler gets (request, caller, **path parameters) once the
    call passed everything above, and a DirectoryError it raises is its answer. A failure a test
    injected (faults.py) comes first: an error instead of the call, or the call answered late."""
    def decorator(handler):
        @route(HOST, methods, BASE + pattern)
        @functools.wraps(handler)
        def view(request, **kwargs):
            failure = faults.take(request.method, request.path)
            if failure is not None and failure.status:
                return faults.error_of(failure).response()
            try:
                response = _guarded(request, resource, handler, kwargs)
            except DirectoryError as error:
                response = error.response()
            if failure is not None:
                time.sleep(failure.delay_seconds)  # applied already; the client hears of it this much later
            return response
        return view
    return decorator
