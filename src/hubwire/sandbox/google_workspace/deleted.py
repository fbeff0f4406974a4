"""Deleted users: users.delete keeps a user for 20 days, users.list?showDeleted=true lists those,
and users.undelete (POST /users/{userKey}/undelete, body UserUndelete {"orgUnitPath"}) brings one
back (admin.directory_v1.json; Google keeps a deleted user restorable for 20 days, Admin Help
"Restore a recently deleted user").

Not published, chosen here [U]: undelete takes the immutable id only (the discovery document names
the key so), answers 204 with no body, and answers 409 duplicate when another user has taken the
address meanwhile; a restored user is in no group (its memberships went with the delete)."""

from datetime import timedelta

from django.core import serializers
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse

from hubwire.sandbox import clock
from hubwire.sandbox.google_workspace import paging
from hubwire.sandbox.google_workspace.access import Caller, body_of, directory
from hubwire.sandbox.google_workspace.errors import DirectoryError, invalid, not_found
from hubwire.sandbox.google_workspace.models import DeletedUser, DirectoryUser
from hubwire.sandbox.google_workspace.resources import timestamp, users_page
from hubwire.sandbox.google_workspace.user_body import address_taken

RETENTION = timedelta(days=20)


def keep(user: DirectoryUser) -> None:
    """Called by users.delete in its transaction, before the live row goes."""
    DeletedUser.objects.filter(user_id=user.user_id).delete()  # a user deleted, restored, deleted again
    DeletedUser.objects.create(customer=user.customer, user_id=user.user_id, primary_email=user.primary_email,
                               deleted_at=clock.now(), row=serializers.serialize("python", [user])[0])


def _restorable(customer):
    return DeletedUser.objects.filter(customer=customer, deleted_at__gt=clock.now() - RETENTION)


def _user_of(deleted: DeletedUser) -> DirectoryUser:
    user = next(serializers.deserialize("python", [deleted.row])).object
    user.customer = deleted.customer
    return user


def deleted_listing(request, caller: Caller, size: int) -> JsonResponse:
    """users.list?showDeleted=true: the users deleted in the last 20 days, by address (the list's
    other sort orders are not offered for them here), each with its deletionTime."""
    rows = _restorable(caller.customer)
    if request.GET.get("domain"):
        rows = rows.filter(primary_email__endswith="@" + request.GET["domain"].lower())
    shown, token = paging.page(request, rows, field="primary_email", descending=False, size=size)
    page = users_page([_user_of(row) for row in shown], token)
    for resource, row in zip(page.get("users", []), shown):
        resource["deletionTime"] = timestamp(row.deleted_at)
    return JsonResponse(page)


@directory("POST", r"/users/(?P<user_key>[^/]+)/undelete", "users")
def undelete(request, caller: Caller, user_key: str):
    body = body_of(request) if request.body.strip() else {}
    org_unit = body.get("orgUnitPath", None)
    if org_unit is not None and not (isinstance(org_unit, str) and org_unit.startswith("/")):
        raise invalid("Invalid Input: orgUnitPath")
    deleted = _restorable(caller.customer).filter(user_id=user_key.strip()).first()
    if deleted is None:
        raise not_found("userKey")
    user = _user_of(deleted)
    if address_taken(user.primary_email):
        raise DirectoryError(409, "Entity already exists.", "duplicate")
    user.org_unit_path = org_unit or user.org_unit_path
    user.version += 1
    try:
        with transaction.atomic(using="sandbox"):
            user.save(force_insert=True)
            deleted.delete()
    except IntegrityError:  # the address inserted at the same moment (the unique column is the last word)
        raise DirectoryError(409, "Entity already exists.", "duplicate") from None
    return HttpResponse(status=204)

